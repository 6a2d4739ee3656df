/**
 * "Every changing command carries a request id (--request-id, generated
 * when absent). A command retried after a timeout or crash is applied once
 * and answers as the first one did."
 *
 * Each changing command is run, then run again with the same request id:
 * the second run prints the same, exits the same, and writes nothing. The
 * CLI runs in-process through its own entry point (`run` of cli/program.ts,
 * exactly what the binary calls); as a child process for a sample in
 * tests/e2e/reliability/requests.test.ts. Two runs of one request racing are
 * checked on the store's transactions (Store.transact with a RequestKey).
 * Crashes are tests/e2e/reliability/crash.test.ts; retries under concurrent
 * writers, tests/e2e/reliability/concurrency.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { run } from '../../cli/program.js';
import { Store, type WriteTx } from '../../engine/store/index.js';
import { requestKey } from '../../engine/runtime/requests.js';
import { openOffice } from '../helpers/engine.js';
import { tempDir, SOPS } from '../helpers/cli.js';
import { asOsLogin } from '../helpers/os-login.js';
import { sampleDef, started } from '../store/helpers.js';

let dir: string;
let db: string;

/** `sop args` in-process, run by the OS login `login` (the administrator's unless said: init binds it to them, and the people added here are bound to logins of their names). */
async function cli(args: string[], login = 'admin'): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await asOsLogin(login, () => run([...args, '--db', db, '--sops', SOPS], { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 }));
  return { code, stdout, stderr };
}

interface Tables {
  log: { seq: number; kind: string; payload: string }[];
  requests: { id: string; command: string; log_seq: number }[];
  rest: unknown[];
}

function tables(): Tables {
  if (!existsSync(db)) return { log: [], requests: [], rest: [] };
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return {
      log: conn.prepare('SELECT seq, kind, payload FROM log ORDER BY seq').all() as Tables['log'],
      requests: conn.prepare('SELECT id, command, log_seq FROM requests ORDER BY id').all() as Tables['requests'],
      rest: [
        conn.prepare('SELECT * FROM instances ORDER BY id').all(),
        conn.prepare('SELECT * FROM users ORDER BY name').all(),
        conn.prepare('SELECT * FROM user_roles ORDER BY user, role').all(),
        conn.prepare('SELECT sha256 FROM blobs ORDER BY sha256').all(),
        conn.prepare('SELECT hash FROM definitions ORDER BY hash').all(),
      ],
    };
  } finally {
    conn.close();
  }
}

const requestOf = (payload: string) => (JSON.parse(payload) as { request?: string }).request;

let instance: string;

beforeAll(() => {
  dir = tempDir('sop-requests-');
  db = join(dir, 'sop.db');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Given the store as it is, when `args` runs with request id `id` and then again with the same id,
 * then both answers are equal, the first wrote `entries` log entries carrying the id and its record,
 * and the second wrote nothing at all.
 */
async function expectAppliedOnce(args: string[], id: string, expected: { code: number; entries: number }, login?: string) {
  const before = tables();
  const first = await cli([...args, '--request-id', id], login);
  expect(first.code, first.stderr).toBe(expected.code);
  const afterFirst = tables();
  const added = afterFirst.log.slice(before.log.length);
  expect(added).toHaveLength(expected.entries);
  for (const e of added) expect(requestOf(e.payload)).toBe(id);
  expect(afterFirst.requests.find((r) => r.id === id)).toMatchObject({ log_seq: afterFirst.log.at(-1)!.seq });

  const again = await cli([...args, '--request-id', id], login);
  expect(again).toEqual(first);
  expect(tables()).toEqual(afterFirst);
  return first;
}

describe('Given a new database, each changing command run twice with the same request id', () => {
  it('sop init: the retry answers "created" again, and the store still has one administrator', async () => {
    const first = await expectAppliedOnce(['init', '--admin', 'admin'], 'req-init', { code: 0, entries: 1 });
    expect(first.stdout).toContain('created the database with administrator "admin", bound to the OS login admin');
  });

  it('sop publish --all: each publication is a request of its own (<id>.1, <id>.2, ...), each applied once; the retry answers the same', async () => {
    const before = tables();
    const first = await cli(['publish', '--all', '--request-id', 'req-publish']);
    expect(first.code, first.stderr).toBe(0);
    const afterFirst = tables();
    const added = afterFirst.log.slice(before.log.length);
    // Each SOP: its definition stored and its publication; then the calendar: stored and published.
    const actions = added.map((e) => `${e.kind}:${(JSON.parse(e.payload) as { action?: string }).action ?? 'store'}`);
    expect(actions).toEqual(['definition:store', 'definition:publish', 'definition:store', 'definition:publish', 'definition:store', 'definition:publish', 'definition:store-calendar', 'definition:publish']);
    expect(added.map((e) => requestOf(e.payload))).toEqual(['req-publish.1', 'req-publish.1', 'req-publish.2', 'req-publish.2', 'req-publish.3', 'req-publish.3', 'req-publish.4', 'req-publish.4']);
    const again = await cli(['publish', '--all', '--request-id', 'req-publish']);
    expect(again).toEqual(first);
    expect(tables()).toEqual(afterFirst);
  });

  it('sop user add, grant, revoke, set-roles, bind, rights, remove: each applied once, each retry answers the same', async () => {
    await expectAppliedOnce(['user', 'add', 'sari', '--login', 'sari'], 'req-add-sari', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'add', 'andi', '--login', 'andi', '--role', 'pengelola-tim-teknis', '--json'], 'req-add-andi', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'add', 'rina', '--login', 'rina', '--role', 'kepala-bidang-persandian'], 'req-add-rina', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'add', 'tamu'], 'req-add-tamu', { code: 0, entries: 1 });
    const granted = await expectAppliedOnce(['user', 'grant', 'tamu', 'administrator'], 'req-grant', { code: 0, entries: 1 });
    expect(granted.stdout).toBe('tamu: administrator\n');
    await expectAppliedOnce(['user', 'set-roles', 'tamu', 'administrator,pengelola-tim-teknis'], 'req-set', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'revoke', 'tamu', 'administrator'], 'req-revoke', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'bind', 'tamu', 'tamu'], 'req-bind', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'rights', 'tamu', '--maintainer'], 'req-rights', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'profile', 'tamu', '--full-name', 'Tamu, S.Kom.'], 'req-profile', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'unbind', 'tamu'], 'req-unbind', { code: 0, entries: 1 });
    await expectAppliedOnce(['user', 'remove', 'tamu'], 'req-remove', { code: 0, entries: 1 });
  });

  it('sop start: the retry prints the same instance id, and there is one instance', async () => {
    // The definition was stored when it was published: one entry, the instance's start.
    const first = await expectAppliedOnce(['start', 'pengecualian-smki', '--json'], 'req-start', { code: 0, entries: 1 }, 'sari');
    instance = JSON.parse(first.stdout).id;
    expect(tables().rest[0]).toHaveLength(1);
  });

  it('sop advance: the retry prints the same status (with --json, the same JSON), even after the instance moved on', async () => {
    const step1 = ['advance', instance, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Surat Permohonan', '--json'];
    const first = await expectAppliedOnce(step1, 'req-step-1', { code: 0, entries: 1 }, 'sari');
    expect(JSON.parse(first.stdout)).toMatchObject({ version: 2, current: [{ step: 'analisis-resiko' }] });
    const moved = await cli(['advance', instance, '--step', 'analisis-resiko', '--output', 'daftar-resiko=Daftar', '--request-id', 'req-step-2'], 'andi');
    expect(moved.code, moved.stderr).toBe(0);
    // Long after: the answer is still the first one, not today's status.
    const later = await cli([...step1, '--request-id', 'req-step-1'], 'sari');
    expect(later).toEqual(first);
  });

  it('a refusal that was recorded in the history: the retry gives the same refusal (exit 1) and records no second one', async () => {
    const first = await expectAppliedOnce(['advance', instance, '--step', 'persetujuan-permohonan', '--choice', 'setuju'], 'req-refused', { code: 1, entries: 1 }, 'sari');
    expect(first.stderr).toMatch(/\[auth\.not-actor\]/);
    expect(JSON.parse(tables().log.at(-1)!.payload)).toMatchObject({ type: 'refused', request: 'req-refused' });
  });

  it('sop cancel: applied once; the retry answers "cancelled" again instead of "already cancelled"', async () => {
    const first = await expectAppliedOnce(['cancel', instance, '--reason', 'Tidak jadi'], 'req-cancel', { code: 0, entries: 1 }, 'sari');
    expect(first.stdout).toBe(`cancelled ${instance}\n`);
  });
});

describe('Given request ids already used', () => {
  it('when the same id comes with other arguments, then it is request.mismatch (exit 1) and nothing is written', async () => {
    const before = tables();
    const r = await cli(['user', 'add', 'budi', '--request-id', 'req-add-sari']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sop: request id "req-add-sari" was already used at .+ by sop user add with other arguments, or as another user; nothing was done \[request\.mismatch\]$/m);
    expect(r.stderr).toContain('hint: give every new command a new request id');
    expect(tables()).toEqual(before);
  });

  it('when the same id comes from another command, or from another user, then it is request.mismatch too', async () => {
    const before = tables();
    const other = await cli(['start', 'pengecualian-smki', '--request-id', 'req-grant'], 'sari');
    expect(other.stderr).toMatch(/already used at .+ by sop user grant; nothing was done \[request\.mismatch\]/);
    const someoneElse = await cli(['start', 'pengecualian-smki', '--json', '--request-id', 'req-start'], 'andi');
    expect(someoneElse.code).toBe(1);
    expect(someoneElse.stderr).toContain('[request.mismatch]');
    expect(tables()).toEqual(before);
  });

  it('when a refusal wrote nothing (not an administrator), then no request is recorded, and the same id is judged again later', async () => {
    const before = tables();
    const refused = await cli(['user', 'add', 'budi', '--request-id', 'req-later'], 'andi');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[auth.not-admin]');
    expect(tables()).toEqual(before);
    // Run again, it is judged again: the same refusal, still nothing written.
    const again = await cli(['user', 'add', 'budi', '--request-id', 'req-later'], 'andi');
    expect(again).toEqual(refused);
    expect(tables()).toEqual(before);
    // The id was never used by a change: the administrator's command with it is applied.
    const ok = await cli(['user', 'add', 'budi', '--request-id', 'req-later']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('when a request id is not one (spaces, control characters, 1 MB, empty), then it is a usage error (exit 2) and nothing is written', async () => {
    const before = tables();
    for (const bad of ['mit spasi', 'tab\there', 'x'.repeat(1024 * 1024), '', '-dash-first', 'é']) {
      const r = await cli(['user', 'add', 'budi', '--request-id', bad]);
      expect(r.code, JSON.stringify(bad.slice(0, 20))).toBe(2);
      expect(r.stderr.length).toBeLessThan(1000);
      expect(r.stderr).toMatch(/\[request\.invalid-id\]|error: option/);
    }
    expect(tables()).toEqual(before);
  });
});

describe('Given commands run without --request-id', () => {
  it('then each gets a random 128-bit id, in its log entries and its record, so two identical runs are two changes', async () => {
    const before = tables();
    const a = await cli(['start', 'pengecualian-smki', '--json'], 'sari');
    const b = await cli(['start', 'pengecualian-smki', '--json'], 'sari');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(JSON.parse(a.stdout).id).not.toBe(JSON.parse(b.stdout).id);
    const added = tables()
      .log.slice(before.log.length)
      .map((e) => requestOf(e.payload));
    expect(added).toHaveLength(2);
    for (const id of added) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(added[0]).not.toBe(added[1]);
  });
});

describe('Given two runs of one request racing (a retry started while the first still runs)', () => {
  it("when the other run records the request between this run's reads and its first write, then this run writes nothing and answers the recorded answer", () => {
    // Two connections, as two processes would have; the writes a start makes: its definition and its instance.
    const file = join(dir, 'race.db');
    const s1 = Store.open(file);
    const s2 = Store.open(file);
    try {
      const key = requestKey({ id: 'req-race', command: 'start', args: { sop: 'layanan-surat', title: 'Balapan', assign: {} } }, 'sari');
      const start = (tx: WriteTx, id: string) => {
        const definitionHash = tx.putDefinition(sampleDef());
        tx.createInstance({ id, definitionHash, title: 'Balapan', state: {}, event: started() });
        return { id };
      };
      let twin: { id: string } | undefined;
      let ran = 0;
      const answer = s1.transact(key, (tx) => {
        ran++;
        // This run has read what it needs; before it writes, the twin runs to its end.
        twin = s2.transact(key, (tx2) => start(tx2, 'I-twin'));
        return start(tx, 'I-first');
      });
      expect(ran).toBe(1);
      expect(twin).toEqual({ id: 'I-twin' });
      expect(answer).toEqual(twin);
      // The twin's two entries, carrying the request id; none of this run's.
      const log = s1.logSince(0);
      expect(log.map((e) => [e.kind, requestOf(e.payload)])).toEqual([
        ['definition', 'req-race'],
        ['event', 'req-race'],
      ]);
      expect(s1.listInstances().map((i) => i.id)).toEqual(['I-twin']);
      expect(s1.request('req-race')).toMatchObject({ command: 'start', argsHash: key.argsHash, logSeq: 2, answer: { ok: { id: 'I-twin' } } });
      // A third run is answered from the record without running at all.
      expect(s2.transact(key, () => expect.unreachable('a recorded request runs again'))).toEqual({ id: 'I-twin' });
    } finally {
      s1.close();
      s2.close();
    }
  });
});

describe('Given the engine used without request ids', () => {
  it('then each change gets a random 128-bit id, in its log entries and its record, as on the command line', async () => {
    const office = await openOffice(db, { create: false });
    try {
      const before = tables();
      const sari = office.as('sari').instances;
      const { id } = await sari.start('pengecualian-smki');
      await sari.advance(id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] });
      const after = tables();
      const added = after.log.slice(before.log.length).map((e) => requestOf(e.payload));
      expect(added).toHaveLength(2);
      for (const r of added) expect(r).toMatch(/^[0-9a-f]{32}$/);
      expect(added[0]).not.toBe(added[1]);
      expect(
        after.requests
          .filter((r) => !before.requests.some((b) => b.id === r.id))
          .map((r) => r.id)
          .sort(),
      ).toEqual([...added].sort());
    } finally {
      await office.close();
    }
  });

  it("then the store's own writes without a request (store.write) carry no request id and leave no record", () => {
    const store = Store.open(db);
    try {
      const before = tables();
      store.write((tx) => tx.addUser('tanpa-permintaan', {}, { user: 'admin', osUser: 'tester' }));
      const after = tables();
      expect(after.requests).toEqual(before.requests);
      const added = after.log.slice(before.log.length);
      expect(added).toHaveLength(1);
      expect(requestOf(added[0]!.payload)).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
