/**
 * "A command retried after a timeout or crash is applied once and answers
 * as the first one did", with the built CLI as separate processes (the
 * in-process runs of every changing command: tests/reliability/requests.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sop, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = tempDir('sop-requests-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { sari: [] });
  await office.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given the built CLI as separate processes', () => {
  it("when a script runs sop start with its own request id, times out, and runs it again, then the second process answers the first one's instance id", () => {
    const env = { SOP_DB: db, SOP_DIR: SOPS };
    const first = sop(['start', 'pengecualian-smki', '--title', 'Permohonan skrip', '--request-id', 'script-7f3a'], { cwd: dir, env, login: 'sari' });
    const second = sop(['start', 'pengecualian-smki', '--title', 'Permohonan skrip', '--request-id', 'script-7f3a'], { cwd: dir, env, login: 'sari' });
    expect(first.code, first.stderr).toBe(0);
    expect(second.stderr).not.toMatch(STACK_TRACE);
    expect({ code: second.code, stdout: second.stdout, stderr: second.stderr }).toEqual({ code: first.code, stdout: first.stdout, stderr: first.stderr });
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const titled = conn.prepare(`SELECT id FROM instances WHERE title = 'Permohonan skrip'`).all();
      expect(titled).toHaveLength(1);
      expect(conn.prepare(`SELECT command FROM requests WHERE id = 'script-7f3a'`).all()).toEqual([{ command: 'start' }]);
    } finally {
      conn.close();
    }
  });
});
