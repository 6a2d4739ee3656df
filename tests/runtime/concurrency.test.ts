/**
 * "Two processes advancing the same step at once: one succeeds, the other
 * gets the conflict error, and the history holds one completion."
 *
 * Here the worst interleaving, made exact in one process: the second
 * operator reads the instance, then the first one's completion is written,
 * then the second one writes. (Real processes racing at a start gate:
 * tests/e2e/runtime/concurrency.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Engine, SopError, sopsFromFolder } from '../../engine/index.js';
import { Context, Office, type Identity } from '../../engine/runtime/context.js';
import { advanceInstance } from '../../engine/runtime/advance.js';
import type { AdvanceOptions } from '../../engine/runtime/advance-request.js';
import { sha256Hex, type Store, type WriteTx } from '../../engine/store/index.js';
import { tempDir, SOPS } from '../helpers/cli.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';

let dir: string;
let db: string;
let office: TestOffice;

const who = (user: string): Identity => ({ user, osUser: 'tester' });

function blobsInStore(): string[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare('SELECT sha256 FROM blobs ORDER BY sha256').all() as { sha256: string }[]).map((b) => b.sha256);
  } finally {
    conn.close();
  }
}

/**
 * An advance by `user` that runs to its end right now, synchronously, on a connection of its own: the
 * engine's advance (engine.ts) without its asynchronous boundary, so that it can run at an exact
 * point inside another engine's transaction.
 */
function advanceNow(user: string, id: string, options: AdvanceOptions): void {
  const own = new Office({ db, sops: sopsFromFolder(SOPS) });
  try {
    const ctx = new Context(own, who(user));
    ctx.store.transact(undefined, (tx) => advanceInstance(ctx.within(tx), id, options));
  } finally {
    own.close();
  }
}

/**
 * An engine acting for `user` whose store runs `beforeWrite` once, just before the engine writes the
 * completion (and its output's content): this puts another operator's completion exactly between
 * this advance's read and its append.
 */
function interleavedEngine(user: string): { engine: Engine; office: Office; set(hook: () => void): void } {
  const own = new Office({ db, sops: sopsFromFolder(SOPS) });
  let beforeWrite: (() => void) | undefined;
  const store: Store = own.store;
  const transact = store.transact.bind(store);
  const hooked = (tx: WriteTx): WriteTx =>
    new Proxy(tx, {
      get: (target, key) => {
        if ((key === 'putBlob' || key === 'appendEvent') && beforeWrite) {
          const hook = beforeWrite;
          beforeWrite = undefined;
          hook();
        }
        return Reflect.get(target, key, target);
      },
    });
  store.transact = (request, fn) => transact(request, (tx) => fn(hooked(tx)));
  return { engine: new Engine(own, who(user)), office: own, set: (hook) => (beforeWrite = hook) };
}

beforeAll(async () => {
  dir = tempDir('sop-concurrency-');
  db = join(dir, 'sop.db');
  office = await officeWith(db, { pengusul: [], tekno1: ['pengelola-tim-teknis'], tekno2: ['pengelola-tim-teknis'] });
});

afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Given two operators completing a step with an output, the second one reading before the first one writes', () => {
  // The output's content is stored in the append's own transaction, so the conflict that refuses the
  // append leaves the loser's content out too: "nothing was written" holds for blobs as well.
  it('when the second one gets store.conflict, then its output content is not in the database either', async () => {
    const pengusul = office.as('pengusul');
    const { id } = await pengusul.instances.start('pengecualian-smki');
    await pengusul.instances.advance(id, { outputs: [{ id: 'surat-permohonan', value: 'Surat' }] });
    const loserContent = `Daftar resiko yang kalah ${Math.random()}`;

    const loser = interleavedEngine('tekno2');
    let winnerWrote = false;
    try {
      loser.set(() => {
        advanceNow('tekno1', id, { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: 'Daftar resiko pemenang' }] });
        winnerWrote = true;
      });
      const refused = await loser.engine.instances.advance(id, { step: 'analisis-resiko', outputs: [{ id: 'daftar-resiko', value: loserContent }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(SopError);
      expect((refused as SopError).code).toBe('store.conflict');
    } finally {
      loser.office.close();
    }
    // The winner wrote in between, as the hook meant.
    expect(winnerWrote).toBe(true);
    const history = (await office.as('admin').instances.history(id)).entries;
    expect(history.filter((e) => e.type === 'completed' && e.step === 'analisis-resiko')).toHaveLength(1);
    expect(history.filter((e) => e.type === 'completed' && e.step === 'analisis-resiko')[0]).toMatchObject({ user: 'tekno1' });
    expect(history.filter((e) => e.type === 'refused')).toHaveLength(0);
    const blobs = blobsInStore();
    expect(blobs).toContain(sha256Hex(Buffer.from('Daftar resiko pemenang')));
    expect(blobs).not.toContain(sha256Hex(Buffer.from(loserContent)));
  });
});
