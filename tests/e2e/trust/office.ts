/**
 * An office set up through the built CLI, as an administrator would: `sop
 * init` (the administrator bound to the OS login admin), `sop publish --all`
 * of the SOP folder, and each person added with their roles and bound to an
 * OS login of their own name. Each command then runs as the OS login of
 * the person (os-login-preload.cjs stands it in).
 */
import { expect } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sop, tempDir, SOPS, type CliResult } from '../../helpers/cli.js';

export interface CliOffice {
  dir: string;
  db: string;
  sops: string;
  /** `sop args` run by the OS login `login`, on the office's store and SOP folder (`env` and `input` as given). */
  run(login: string, args: string[], options?: { env?: Record<string, string>; input?: string; sops?: string }): CliResult;
  /** The same, expecting exit 0; its --json output parsed. */
  json<T>(login: string, args: string[]): T;
  /** Every row of every table. */
  everything(): Record<string, unknown[]>;
  /** The log's entries after seq `after`, their payloads parsed. */
  entriesAfter(after: number): { seq: number; kind: string; at: string; payload: Record<string, unknown> }[];
  head(): number;
}

export function cliOffice(people: Record<string, string[]>, options: { sops?: string; prefix?: string } = {}): CliOffice {
  const dir = tempDir(options.prefix ?? 'sop-trust-');
  const db = join(dir, 'sop.db');
  const sops = options.sops ?? SOPS;
  const read = <T>(fn: (conn: Database.Database) => T): T => {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return fn(conn);
    } finally {
      conn.close();
    }
  };
  const office: CliOffice = {
    dir,
    db,
    sops,
    run: (login, args, o = {}) => sop([...args, '--db', db, '--sops', o.sops ?? sops], { cwd: dir, login, ...(o.env ? { env: o.env } : {}), ...(o.input !== undefined ? { input: o.input } : {}) }),
    json: <T>(login: string, args: string[]): T => {
      const r = office.run(login, [...args, '--json']);
      expect(r.code, `${login}: sop ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return JSON.parse(r.stdout) as T;
    },
    everything: () =>
      read((conn) => {
        const tables = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
        return Object.fromEntries(tables.map((t) => [t, conn.prepare(`SELECT * FROM "${t}"`).all()]));
      }),
    entriesAfter: (after) =>
      read((conn) =>
        (conn.prepare('SELECT seq, kind, at, payload FROM log WHERE seq > ? ORDER BY seq').all(after) as { seq: number; kind: string; at: string; payload: string }[]).map((r) => ({
          ...r,
          payload: JSON.parse(r.payload) as Record<string, unknown>,
        })),
      ),
    head: () => read((conn) => (conn.prepare('SELECT coalesce(max(seq), 0) FROM log').pluck().get() as number) ?? 0),
  };
  const setup: string[][] = [
    ['init', '--admin', 'admin'],
    ['publish', '--all'],
    ...Object.entries(people).map(([name, roles]) => ['user', 'add', name, '--login', name, ...(roles.length ? ['--role', roles.join(',')] : [])]),
  ];
  for (const args of setup) {
    const r = office.run('admin', args);
    expect(r.code, `sop ${args.join(' ')}\n${r.stderr}`).toBe(0);
  }
  return office;
}

/** Exit 1, nothing on standard output, the first line of standard error ending with the code, and a hint. */
export function expectRefused(r: CliResult, code: string, why?: RegExp): void {
  expect(r.stderr, r.stderr).not.toMatch(/^\s+at .+(\(|:\d+:\d+)/m);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const first = r.stderr.split('\n')[0]!;
  expect(first).toMatch(new RegExp(`\\[${code.replace('.', '\\.')}\\]$`));
  if (why) expect(first).toMatch(why);
}
