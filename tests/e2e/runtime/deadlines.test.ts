/**
 * "Overdue steps are flagged wherever steps are shown": through the built
 * CLI, with the system clock, on a step that fell due long ago. The due
 * times themselves are worked out in-process with the engine's clock
 * pinned: tests/runtime/deadlines.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCalendar } from '../../../engine/calendar/load-calendar.js';
import { formatLocal } from '../../../engine/index.js';
import { officeWith } from '../../helpers/engine.js';
import { spawnSop as spawnCli, tempDir, SOPS, STACK_TRACE } from '../../helpers/cli.js';

const calendar = loadCalendar(SOPS);

/** A WITA wall-clock time as an instant: wita('2026-11-20 15:00') is 07:00Z. */
const wita = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

const dir = tempDir('sop-deadlines-');
const db = join(dir, 'sop.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an instance whose step fell due long ago, seen through the CLI (the system clock)', () => {
  let id: string;

  beforeAll(async () => {
    // The people of pengecualian-smki, registered (and the SOPs published) that morning: the log's times never go back.
    let now = wita('2025-09-01 07:00');
    const office = await officeWith(db, { budi: [], tekno: ['pengelola-tim-teknis'], kabid: ['kepala-bidang-persandian'] }, { clock: () => now });
    try {
      // Started by budi on Monday 2025-09-01 (before any real clock that runs these tests): 10 Menit, due 07:40 that day.
      now = wita('2025-09-01 07:30');
      ({ id } = await office.as('budi').instances.start('pengecualian-smki'));
    } finally {
      await office.close();
    }
  });

  /** `sop args` run by the OS login `login` (each person is bound to a login of their name). */
  const cli = (args: string[], login = 'admin') => spawnCli(args, { cwd: dir, env: { SOP_DB: db, SOP_DIR: SOPS }, login });

  it('then status, tasks and tasks --overdue flag it, in JSON (overdue: true) and in text (OVERDUE)', async () => {
    const [statusJson, statusText, tasksJson, tasksText, overdueJson, mine] = await Promise.all([
      cli(['status', id, '--json']),
      cli(['status', id]),
      cli(['tasks', '--all', '--json']),
      cli(['tasks', '--all']),
      cli(['tasks', '--overdue', '--all', '--json']),
      cli(['tasks', '--overdue'], 'budi'),
    ]);
    for (const r of [statusJson, statusText, tasksJson, tasksText, overdueJson, mine]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    const due = '2025-08-31T23:40:00.000Z'; // 2025-09-01 07:40 WITA
    expect(JSON.parse(statusJson.stdout).current[0]).toMatchObject({ step: 'pengajuan-permohonan', dueAt: due, overdue: true });
    expect(statusText.stdout).toMatch(/due\s+2025-09-01 07:40 WITA\s+OVERDUE/);
    expect(JSON.parse(tasksJson.stdout)).toMatchObject([{ instance: id, dueAt: due, overdue: true }]);
    expect(tasksText.stdout).toMatch(new RegExp(`${id}.*2025-09-01 07:40 WITA\\s+OVERDUE`));
    expect(JSON.parse(overdueJson.stdout)).toMatchObject([{ instance: id, overdue: true }]);
    expect(mine.stdout).toContain('OVERDUE');
    expect(formatLocal(new Date(due), calendar)).toBe('2025-09-01 07:40 WITA');
  });
});
