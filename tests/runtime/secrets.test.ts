/**
 * "No value of a sensitive output appears in the database file, its WAL, or
 * any output", for a program that embeds the engine: the engine asks for a
 * sensitive output through `askSecrets` (a prompt with echo off, a password
 * field), keeps only that it was given, and leaves it out of the request's
 * fingerprint. (The same canary through the built CLI: its arguments,
 * environment, standard streams, exports and reports:
 * tests/e2e/runtime/secrets.test.ts.)
 *
 * pengelolaan-akses-pengguna step 9 (kirim-akun) sends the account's
 * temporary password, declared `sensitive: true`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { OutputSpec } from '../../engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';

let dir: string;
let db: string;
let office: TestOffice;

const USERS = { kabid: 'kabid.aptika', sysadmin: 'admin.sistem', pengguna: 'calon.pengguna' };
const canary = (label: string) => `CANARY-${label}-${randomBytes(12).toString('hex')}`;

/** The files that hold `text` (the database, its WAL, its shared memory), in UTF-8 or UTF-16. */
function filesHolding(text: string): string[] {
  const forms = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  return [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f) && forms.some((form) => readFileSync(f).includes(form)));
}

/** An instance walked through steps 1 to 8: it waits at kirim-akun. */
async function atKirimAkun(): Promise<string> {
  const { id } = await office.as(USERS.pengguna).instances.start('pengelolaan-akses-pengguna', { title: 'Akun SIMPEG' });
  const walk: [string, string, { choice?: string; outputs?: { id: string; value: string }[] }][] = [
    [USERS.pengguna, 'usulan-pengguna-baru', {}],
    [USERS.kabid, 'penerimaan-usulan', {}],
    [USERS.kabid, 'verifikasi-persetujuan', { choice: 'disetujui' }],
    [USERS.kabid, 'disposisi-admin', {}],
    [USERS.sysadmin, 'enkripsi-logbook', {}],
    [USERS.sysadmin, 'kirim-logbook-ke-pengguna', { outputs: [{ id: 'file-terenkripsi', value: 'logbook.zip' }] }],
    [
      USERS.pengguna,
      'kirim-logbook-ke-administrator',
      {
        outputs: [
          { id: 'file-terenkripsi-terisi', value: 'logbook-terisi.zip' },
          { id: 'file-form-logbook-pengguna', value: 'form logbook' },
        ],
      },
    ],
    [USERS.sysadmin, 'input-data-logbook', {}],
  ];
  for (const [user, step, options] of walk) await office.as(user).instances.advance(id, { step, ...options });
  return id;
}

beforeAll(async () => {
  dir = tempDir('sop-secrets-');
  db = join(dir, 'sop.db');
  office = await officeWith(db, { [USERS.kabid]: ['kepala-bidang-aptika'], [USERS.sysadmin]: ['administrator'], [USERS.pengguna]: [] });
});

afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Given an instance at step 9 "kirim-akun", whose password-sementara is sensitive', () => {
  it('when it is completed with the password given through askSecrets, then it is asked for that output alone, completed, and the value is in none of the files, only that it was given', async () => {
    const id = await atKirimAkun();
    const password = canary('password');
    const username = `USERNAME-${randomBytes(12).toString('hex')}`;
    const asked: OutputSpec[][] = [];
    const done = await office.as(USERS.sysadmin).instances.advance(id, {
      step: 'kirim-akun',
      outputs: [{ id: 'username', value: username }],
      askSecrets: (specs) => {
        asked.push(specs);
        return new Map([['password-sementara', password]]);
      },
    });
    expect(asked.map((specs) => specs.map((s) => s.id))).toEqual([['password-sementara']]);
    expect(done.completed).toBe('kirim-akun');
    expect(JSON.stringify(done)).not.toContain(password);
    // The engine's connection is open: the new pages are still in the WAL. The username is the control.
    expect(filesHolding(username).length).toBeGreaterThan(0);
    expect(filesHolding(password)).toEqual([]);
    const history = await office.as('admin').instances.history(id);
    expect(history.entries.at(-1)).toMatchObject({ type: 'completed', step: 'kirim-akun', outputs: [{ id: 'username' }, { id: 'password-sementara', given: true }] });
    expect(JSON.stringify(history)).not.toContain(password);
    await expect(office.as('admin').instances.output(id, 'password-sementara')).rejects.toMatchObject({ code: 'output.sensitive' });
  });

  it('when the same request is retried, then it is answered from the record without asking again, whatever secret the retry holds (the fingerprint counts a sensitive output only as given)', async () => {
    const id = await atKirimAkun();
    const sysadmin = office.as(USERS.sysadmin);
    const request = { step: 'kirim-akun', outputs: [{ id: 'username', value: 'budi' }], requestId: `kirim-${id}` };
    const first = await sysadmin.instances.advance(id, { ...request, askSecrets: () => new Map([['password-sementara', canary('first')]]) });
    let askedAgain = false;
    const again = await sysadmin.instances.advance(id, {
      ...request,
      askSecrets: () => {
        askedAgain = true;
        return new Map([['password-sementara', canary('again')]]);
      },
    });
    expect(askedAgain).toBe(false);
    expect(again).toEqual(first);
    // A retry that carries another password itself, through a protected channel: the same request.
    const other = canary('other');
    const withOther = await sysadmin.instances.advance(id, { ...request, outputs: [...request.outputs, { id: 'password-sementara', value: other, protected: true }] });
    expect(withOther).toEqual(first);
    expect((await office.as('admin').instances.history(id)).entries.filter((e) => e.step === 'kirim-akun')).toHaveLength(1);
    expect(filesHolding(other)).toEqual([]);
  });

  it('when a program gives the password as a plain output (not through a protected channel), then it is refused as on a command line, and the value is in none of the files', async () => {
    const id = await atKirimAkun();
    const password = canary('argument');
    let asked = false;
    const refused = office.as(USERS.sysadmin).instances.advance(id, {
      outputs: [
        { id: 'username', value: 'budi' },
        { id: 'password-sementara', value: password },
      ],
      askSecrets: () => {
        asked = true;
        return new Map();
      },
    });
    await expect(refused).rejects.toMatchObject({ code: 'output.sensitive-argument' });
    expect(asked).toBe(false);
    const history = await office.as('admin').instances.history(id);
    expect(history.entries.at(-1)).toMatchObject({ type: 'refused', step: 'kirim-akun' });
    expect(JSON.stringify(history)).not.toContain(password);
    expect(filesHolding(password)).toEqual([]);
    // Folded into the database file too, once every connection is closed.
    await office.close();
    const conn = new Database(db, { fileMustExist: true });
    conn.pragma('wal_checkpoint(TRUNCATE)');
    conn.close();
    expect(filesHolding(password)).toEqual([]);
  });
});
