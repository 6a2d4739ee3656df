/**
 * What the CLI fuzzing shares between its in-process cases
 * (tests/reliability/fuzz-cli.test.ts, through `run` of cli/program.ts)
 * and its cases as child processes of the built CLI
 * (tests/e2e/reliability/fuzz-cli.test.ts): the hostile values, the
 * commands with a slot for them, the store they run on, and the pass
 * conditions of every case.
 *
 * "Refused" and "changed": a refusal of a step is recorded in the history
 * by design (see README, Running SOPs): such a refusal adds exactly one
 * refused entry and nothing else. Every other refusal changes nothing.
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { run } from '../../cli/program.js';
import { SOPS, STACK_TRACE } from '../helpers/cli.js';
import type { Engine } from '../../engine/index.js';
import { officeWith } from '../helpers/engine.js';
import { asOsLogin } from '../helpers/os-login.js';

export const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/** What a file's cases did, printed at its end. */
export interface FuzzStats {
  inProcess: number;
  processes: number;
  paths: number;
  accepted: number;
  refused: number;
  recordedRefusals: number;
}
export const newStats = (): FuzzStats => ({ inProcess: 0, processes: 0, paths: 0, accepted: 0, refused: 0, recordedRefusals: 0 });
export const describeStats = (s: FuzzStats): string =>
  `${s.inProcess} in-process cases, ${s.processes} child processes, ${s.paths} output paths; ${s.accepted} accepted, ${s.refused} refused (${s.recordedRefusals} recorded as refused attempts)`;

const MB = 1024 * 1024;
export const NASTY = [
  "'",
  '"',
  '`',
  "'; DROP TABLE log; --",
  '" OR 1=1 --',
  "Robert'); DROP TABLE users;--",
  "x' UNION SELECT payload FROM log --",
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\u001b[2J\u001b[31mMERAH',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\u202e',
  '\ud800',
  '😀',
  '%s%n%x',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile value, taken literally.
  '${PATH}',
  '$(id)',
  '`id`',
  '../../../etc/passwd',
  '/dev/zero',
  'C:\\Windows',
  '-',
  '--',
  '--help',
  '-V',
  '--db=/tmp/x',
  'NULL',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'toString',
  '',
  ' ',
  '   ',
  'ñandú',
  'Ä°',
  'x'.repeat(201),
  'é'.repeat(2001),
];
/** Hostile text: the list above, random Unicode and binary, and long runs up to 1 MB. */
export const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000', "'", ' '), fc.integer({ min: 1000, max: MB })).map(([c, n]) => c.repeat(Math.ceil(n / c.length))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY), fc.constantFrom(...NASTY)).map(([a, b]) => a + 'Surat' + b) },
);

/**
 * The commands with a hostile value in one slot, and the OS login each runs
 * as (the person bound to it acts; none for what only reads, and for init,
 * refused on a store that is not empty whoever runs it). `inst` is an
 * instance at step 1 made for the case; advance names that step (`--step`),
 * as a person who was shown nothing of it must, so the hostile value is what
 * it is judged on.
 */
export const commands: [name: string, login: string | undefined, build: (v: string, inst: string) => string[]][] = [
  ['start --title', 'sari', (v) => ['start', 'pengecualian-smki', '--title', v]],
  ['start --assign', 'sari', (v) => ['start', 'pengecualian-smki', '--assign', `pemohon=${v}`]],
  ['start <sop>', 'sari', (v) => ['start', v]],
  ['advance --note', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--note', v]],
  ['advance --output value', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=${v}`]],
  ['advance --output id', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', `${v}=Surat`]],
  ['advance --output whole', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', v]],
  ['advance --choice', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--choice', v]],
  ['advance --step', 'sari', (v, i) => ['advance', i, '--output', 'surat-permohonan=Surat', '--step', v]],
  ['advance --expect-version', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--expect-version', v]],
  ['advance <instance>', 'sari', (v) => ['advance', v, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat']],
  ['advance --as', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--as', v, '--output', 'surat-permohonan=Surat']],
  ['cancel --reason', 'sari', (v, i) => ['cancel', i, '--reason', v]],
  ['user add <name>', 'admin', (v) => ['user', 'add', v]],
  ['user add --role', 'admin', (v) => ['user', 'add', 'calon', '--role', v]],
  ['user grant <role>', 'admin', (v) => ['user', 'grant', 'sari', v]],
  ['user revoke <name>', 'admin', (v) => ['user', 'revoke', v, 'administrator']],
  ['user remove <name>', 'admin', (v) => ['user', 'remove', v]],
  ['user add --login', 'admin', (v) => ['user', 'add', 'calon', '--login', v]],
  ['user bind <login>', 'admin', (v) => ['user', 'bind', 'andi', v]],
  ['user profile --full-name', 'sari', (v) => ['user', 'profile', 'sari', '--full-name', v]],
  ['--on-behalf-of', 'admin', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--on-behalf-of', v, '--emergency-reason', 'Darurat', '--output', 'surat-permohonan=Surat']],
  ['--emergency-reason', 'admin', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--on-behalf-of', 'sari', '--emergency-reason', v, '--output', 'surat-permohonan=Surat']],
  ['publish <sop>', 'admin', (v) => ['publish', v]],
  ['publish --effective', 'admin', (v) => ['publish', 'pengecualian-smki', '--effective', v]],
  ['init --admin', undefined, (v) => ['init', '--admin', v]],
  ['--request-id', 'sari', (v, i) => ['advance', i, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat', '--request-id', v]],
  ['status <instance>', undefined, (v) => ['status', v]],
  ['history <instance>', undefined, (v) => ['history', v, '--json']],
  ['output <output-id>', undefined, (v, i) => ['output', i, v]],
  ['list --sop', undefined, (v) => ['list', '--sop', v]],
  ['replay --until', undefined, (v, i) => ['replay', i, '--until', v]],
  ['verify <instance>', undefined, (v) => ['verify', v]],
];

/** The test store: its administrator, sari (no role: she starts instances) and andi, each bound to the OS login of their name. Closed again: the CLI opens it as it would. */
export async function makeFuzzStore(db: string): Promise<void> {
  const office = await officeWith(db, { sari: [], andi: ['pengelola-tim-teknis'] });
  await office.close();
}

/** An instance of pengecualian-smki at step 1 (pengajuan-permohonan, done by sari, output surat-permohonan), started by `sari`. */
export async function freshInstance(sari: Engine): Promise<string> {
  return (await sari.instances.start('pengecualian-smki', { title: 'Uji fuzz' })).id;
}

export interface Snapshot {
  log: { seq: number; kind: string; version: number | null; payload: string }[];
  rest: string;
}

export function snapshot(db: string): Snapshot {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const all = (sql: string) => conn.prepare(sql).all();
    return {
      log: all('SELECT seq, kind, version, payload FROM log ORDER BY seq') as Snapshot['log'],
      rest: JSON.stringify([
        all('SELECT * FROM instances ORDER BY id'),
        all('SELECT * FROM users ORDER BY name'),
        all('SELECT * FROM user_roles ORDER BY user, role'),
        all('SELECT sha256, size FROM blobs ORDER BY sha256'),
        all('SELECT hash FROM definitions ORDER BY hash'),
        all('SELECT id, log_seq FROM requests ORDER BY id'),
      ]),
    };
  } finally {
    conn.close();
  }
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The pass conditions of every case: exit 0, 1 or 2 (a hung process, killed, has none of them); no
 * stack trace and no internal error; a bounded message; and on a refusal, the database unchanged, or changed by exactly one recorded
 * refused attempt (and its request record).
 */
export function expectSafe(stats: FuzzStats, args: string[], r: Outcome, before: Snapshot, after: Snapshot): void {
  const what = `sop ${args.map((a) => JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…(${a.length})` : a)).join(' ')} -> ${r.code}\n${r.stderr.slice(0, 2000)}`;
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toMatch(STACK_TRACE);
  expect(r.stderr, what).not.toContain('internal error');
  // A refusal quotes what it was given only in part, and escaped: a 1 MB title does not come back as a
  // 1 MB message, and control characters given cannot drive the terminal.
  expect(r.stderr.length, what).toBeLessThan(4000);
  // (In-process, commander's own usage lines reach the Io as they are; the binary's stderr escapes them too.)
  const ours = r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('error:'))
    .join('\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
  expect(ours, what).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  if (r.code === 0) {
    stats.accepted++;
    return;
  }
  stats.refused++;
  expect(after.rest === before.rest || after.rest.length > 0, what).toBe(true);
  const added = after.log.slice(before.log.length);
  expect(after.log.slice(0, before.log.length), what).toEqual(before.log);
  if (added.length === 0) {
    expect(after.rest, what).toBe(before.rest);
    return;
  }
  // A refused step: one entry, the refusal, and its request record; instances, users, blobs as they were.
  stats.recordedRefusals++;
  expect(added, what).toHaveLength(1);
  expect(JSON.parse(added[0]!.payload).type, what).toBe('refused');
  const [, users, roles, blobs, definitions] = JSON.parse(after.rest) as unknown[];
  const [, usersBefore, rolesBefore, blobsBefore, definitionsBefore] = JSON.parse(before.rest) as unknown[];
  expect([users, roles, blobs, definitions], what).toEqual([usersBefore, rolesBefore, blobsBefore, definitionsBefore]);
  expect((JSON.parse(after.rest) as unknown[][])[0], what).toEqual((JSON.parse(before.rest) as unknown[][])[0]);
}

/** `sop <args>` on the test store through the CLI's own entry point, in this process, run by the OS login `login` (the process's own by default). */
export async function inProcess(db: string, args: string[], login?: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const go = () => run([...args, '--db', db, '--sops', SOPS], { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 });
  const code = login === undefined ? await go() : await asOsLogin(login, go);
  return { code, stdout, stderr };
}
