/**
 * An office on a store file, run through the built CLI as people with OS
 * logins of their own names (tests/helpers/cli.ts stands each process in
 * for its login): the administrator "admin" made it with the example SOPs
 * published, and adds the people a test names.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { sop, tempDir, type CliResult } from '../../helpers/cli.js';

export interface CliOffice {
  dir: string;
  db: string;
  sops: string;
  /** `sop <args>` as the OS login `login` (the person bound to it). */
  run(login: string, args: string[], input?: string): CliResult;
  /** The same, expected to succeed: its standard output. */
  ok(login: string, args: string[], input?: string): string;
}

export function cliOffice(people: Record<string, string[]>): CliOffice {
  const dir = tempDir('sop-authority-e2e-');
  const db = join(dir, 'sop.db');
  const sops = join(dir, 'sops');
  const run = (login: string, args: string[], input?: string) => sop(['--db', db, '--sops', sops, ...args], { login, ...(input === undefined ? {} : { input }) });
  const ok = (login: string, args: string[], input?: string) => {
    const r = run(login, args, input);
    expect(r.stderr, `sop ${args.join(' ')}`).toBe('');
    expect(r.code, `sop ${args.join(' ')}`).toBe(0);
    return r.stdout;
  };
  ok('admin', ['init', '--admin', 'admin', '--examples']);
  for (const [name, roles] of Object.entries(people)) ok('admin', ['user', 'add', name, '--login', name, ...(roles.length ? ['--role', roles.join(',')] : [])]);
  return { dir, db, sops, run, ok };
}

/** The log entries after `seq` (kind, instance, version, payload): what a command wrote. */
export function logSince(office: CliOffice, seq: number): { seq: number; kind: string; instance_id: string | null; version: number | null; payload: Record<string, unknown> }[] {
  const db = new Database(office.db, { readonly: true });
  try {
    const rows = db.prepare('SELECT seq, kind, instance_id, version, payload FROM log WHERE seq > ? ORDER BY seq').all(seq) as {
      seq: number;
      kind: string;
      instance_id: string | null;
      version: number | null;
      payload: string;
    }[];
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

/** The log's head (its seq). */
export function head(office: CliOffice): number {
  const db = new Database(office.db, { readonly: true });
  try {
    return (db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM log').get() as { seq: number }).seq;
  } finally {
    db.close();
  }
}

/** Runs a command that must be refused with `code` (exit 1), recording one refused event of `instance` and nothing else. */
export function refusedAndRecorded(office: CliOffice, instance: string, code: string, login: string, args: string[]): CliResult {
  const before = head(office);
  const r = office.run(login, args);
  expect(r.stderr, `sop ${args.join(' ')}`).toContain(`[${code}]`);
  expect(r.code).toBe(1);
  const written = logSince(office, before);
  expect(written).toHaveLength(1);
  expect(written[0]).toMatchObject({ kind: 'event', instance_id: instance, version: null, payload: { type: 'refused' } });
  expect(String(written[0]!.payload.reason)).toMatch(new RegExp(`^${code.replace('.', '\\.')}: `));
  return r;
}
