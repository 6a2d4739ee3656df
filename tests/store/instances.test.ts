import { describe, expect, it } from 'vitest';
import { SopError } from '../../engine/errors.js';
import { Store } from '../../engine/store/index.js';
import { hintFor } from '../../cli/hints.js';
import { clerk, codeOf, completed, dbPath, openStore, sampleDef, started, storeWithInstance } from './helpers.js';

/** Everything a failed write could have touched. */
function snapshot(store: Store) {
  return {
    log: store.logSince(0),
    instance: store.getInstance('I-1'),
  };
}

describe('instances', () => {
  it('createInstance writes the instance at version 1 with its started event', () => {
    const clock = () => new Date('2024-05-01T08:00:00Z');
    const store = Store.open(dbPath(), { clock });
    try {
      const hash = store.write((tx) => tx.putDefinition(sampleDef()));
      const inst = store.write((tx) => tx.createInstance({ id: 'I-1', definitionHash: hash, title: 'Surat 1', state: { at: 'terima' }, event: started() }));
      expect(inst).toEqual({
        id: 'I-1',
        sopId: 'layanan-surat',
        definitionHash: hash,
        title: 'Surat 1',
        status: 'active',
        outcome: null,
        version: 1,
        state: { at: 'terima' },
        startedBy: 'budi',
        startedAt: '2024-05-01T08:00:00.000Z',
        updatedAt: '2024-05-01T08:00:00.000Z',
      });
      expect(store.getInstance('I-1')).toEqual(inst);
      const events = store.eventsOf('I-1');
      // The started event names the pinned definition: the pinning is part of the chained log, not only of the instance row.
      expect(events).toEqual([{ seq: 2, instanceId: 'I-1', version: 1, at: '2024-05-01T08:00:00.000Z', event: { ...started(), definition: hash } }]);
      expect(store.logSince(1)[0]!.payload).toBe(`{"by":{"osUser":"budi","role":"petugas","user":"budi","via":"os-login"},"definition":"${hash}","title":"Surat 1","type":"started"}`);
    } finally {
      store.close();
    }
  });

  it('createInstance refuses an unknown definition, a taken id, and a wrong event type', () => {
    const { store, hash } = storeWithInstance();
    const before = snapshot(store);
    const input = { id: 'I-1', definitionHash: hash, title: 't', state: {}, event: started() };
    expect(codeOf(() => store.write((tx) => tx.createInstance(input)))).toBe('store.instance-exists');
    expect(codeOf(() => store.write((tx) => tx.createInstance({ ...input, id: 'I-2', definitionHash: 'f'.repeat(64) })))).toBe('store.unknown-definition');
    expect(codeOf(() => store.write((tx) => tx.createInstance({ ...input, id: 'I-2', event: completed() })))).toBe('store.invalid-event');
    expect(snapshot(store)).toEqual(before);
  });

  it('appendEvent adds version+1 and replaces the cached state, status and outcome', () => {
    const { store } = storeWithInstance();
    const r = store.write((tx) => tx.appendEvent('I-1', 1, completed(), { at: 'selesai' }, { status: 'completed', outcome: 'done' }));
    expect(r.version).toBe(2);
    expect(store.getInstance('I-1')).toMatchObject({ version: 2, state: { at: 'selesai' }, status: 'completed', outcome: 'done', title: 'Surat 1' });
    expect(store.eventsOf('I-1').map((e) => [e.version, e.event.type])).toEqual([
      [1, 'started'],
      [2, 'completed'],
    ]);
    // Without an update the row keeps its status, outcome and title.
    store.write((tx) => tx.appendEvent('I-1', 2, { type: 'completed', step: 'x', by: clerk, note: 'catatan' }, { at: 'x' }));
    expect(store.getInstance('I-1')).toMatchObject({ version: 3, status: 'completed', outcome: 'done', title: 'Surat 1' });
    store.write((tx) => tx.appendEvent('I-1', 3, { type: 'cancelled', reason: 'r', by: clerk }, {}, { status: 'cancelled', outcome: null, title: 'Baru' }));
    expect(store.getInstance('I-1')).toMatchObject({ version: 4, status: 'cancelled', outcome: null, title: 'Baru' });
  });

  it('a stale expected version is a conflict and writes nothing', () => {
    const { store } = storeWithInstance();
    store.write((tx) => tx.appendEvent('I-1', 1, completed(), { at: 'selesai' }));
    const before = snapshot(store);
    let error: unknown;
    try {
      store.write((tx) => tx.appendEvent('I-1', 1, completed('other'), { at: 'other' }, { status: 'completed' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SopError);
    expect((error as SopError).code).toBe('store.conflict');
    expect((error as SopError).message).toBe('instance I-1 changed since you read it (version 1, now 2)');
    expect((error as SopError).data).toEqual({ instance: 'I-1', expected: 1, version: 2 });
    // What to do next is the presenter's: the CLI names the command.
    expect(hintFor(error as SopError)).toBe('run `sop status I-1` and try again');
    expect(snapshot(store)).toEqual(before);
    expect(codeOf(() => store.write((tx) => tx.appendEvent('nope', 1, completed(), {})))).toBe('store.unknown-instance');
    expect(codeOf(() => store.write((tx) => tx.appendEvent('I-1', 2, { type: 'refused', by: clerk }, {})))).toBe('store.invalid-event');
    expect(snapshot(store)).toEqual(before);
  });

  it('two connections on the same version: one wins, the other gets store.conflict', () => {
    const { store: a, file } = storeWithInstance();
    const b = openStore(file);
    // Both read version 1, as two `sop` processes would.
    const va = a.getInstance('I-1')!.version;
    const vb = b.getInstance('I-1')!.version;
    const logBefore = a.logSince(0).length;
    a.write((tx) => tx.appendEvent('I-1', va, completed('by-a'), { by: 'a' }));
    expect(codeOf(() => b.write((tx) => tx.appendEvent('I-1', vb, completed('by-b'), { by: 'b' })))).toBe('store.conflict');
    const added = b.logSince(0).slice(logBefore);
    expect(added).toHaveLength(1);
    expect(JSON.parse(added[0]!.payload).step).toBe('by-a');
    expect(b.getInstance('I-1')).toMatchObject({ version: 2, state: { by: 'a' } });
  });

  it('a refusal is logged without changing the version, and must be judged on the current version', () => {
    const { store } = storeWithInstance();
    const refusal = { type: 'refused' as const, step: 'terima', reason: 'budi lacks role kepala', by: clerk };
    const r = store.write((tx) => tx.appendRefusal('I-1', 1, refusal));
    expect(store.getInstance('I-1')!.version).toBe(1);
    const events = store.eventsOf('I-1');
    expect(events.map((e) => [e.seq, e.version, e.event.type])).toEqual([
      [2, 1, 'started'],
      [r.seq, null, 'refused'],
    ]);
    // Refusals of the same version do not conflict with each other ...
    store.write((tx) => tx.appendRefusal('I-1', 1, refusal));
    // ... and do not stop the next real event from using that version.
    store.write((tx) => tx.appendEvent('I-1', 1, completed(), { at: 'selesai' }));
    // A refusal judged on an old version is a conflict: the caller must judge again.
    const before = snapshot(store);
    expect(codeOf(() => store.write((tx) => tx.appendRefusal('I-1', 1, refusal)))).toBe('store.conflict');
    expect(snapshot(store)).toEqual(before);
    expect(codeOf(() => store.write((tx) => tx.appendRefusal('I-1', 2, completed())))).toBe('store.invalid-event');
    // A refusal about no instance (e.g. a refused start) is logged without a check.
    const s = store.write((tx) => tx.appendRefusal(null, null, { type: 'refused', reason: 'not a user', by: { user: 'eko', osUser: 'eko' } }));
    expect(store.logSince(s.seq - 1)[0]).toMatchObject({ kind: 'event', instanceId: null, version: null });
  });

  it('the writes of one transaction commit together or not at all; a refusal followed by its SopError is committed', () => {
    const { store } = storeWithInstance();
    const refusal = { type: 'refused' as const, step: 'terima', reason: 'budi lacks role kepala', by: clerk };
    const before = snapshot(store);
    // The second write fails: the first one is rolled back with it.
    expect(
      codeOf(() =>
        store.write((tx) => {
          tx.appendEvent('I-1', 1, completed(), { at: 'selesai' });
          tx.appendEvent('I-1', 1, completed('again'), { at: 'again' });
        }),
      ),
    ).toBe('store.conflict');
    expect(snapshot(store)).toEqual(before);
    // Any failure after writing rolls everything back, a refusal included ...
    expect(() =>
      store.write((tx) => {
        tx.appendRefusal('I-1', 1, refusal);
        throw new Error('a bug in the caller');
      }),
    ).toThrow('a bug in the caller');
    expect(snapshot(store)).toEqual(before);
    // ... but a SopError thrown right after recording a refusal is that refusal: it stays in the history.
    expect(
      codeOf(() =>
        store.write((tx) => {
          tx.appendRefusal('I-1', 1, refusal);
          throw new SopError('auth.not-actor', 'budi does not hold the role of this step');
        }),
      ),
    ).toBe('auth.not-actor');
    expect(store.logSince(0)).toHaveLength(before.log.length + 1);
    expect(store.eventsOf('I-1').at(-1)).toMatchObject({ version: null, event: refusal });
    // Two writes of one transaction are adjacent entries, and the version moves on within it.
    const [a, b] = store.write((tx) => [tx.appendEvent('I-1', 1, completed(), { at: 'x' }), tx.appendEvent('I-1', 2, completed('x'), { at: 'selesai' })]);
    expect([a.version, b.version, b.seq - a.seq]).toEqual([2, 3, 1]);
  });

  it('lists instances by status and SOP, oldest first', () => {
    let t = Date.parse('2024-05-01T08:00:00Z');
    const store = Store.open(dbPath(), {
      clock: () => {
        t += 1000;
        return new Date(t);
      },
    });
    try {
      const h = store.write((tx) => tx.putDefinition(sampleDef()));
      const other = store.write((tx) => tx.putDefinition({ ...sampleDef(), id: 'cuti' }));
      for (const [id, hash] of [
        ['A', h],
        ['B', other],
        ['C', h],
      ] as const) {
        store.write((tx) => tx.createInstance({ id, definitionHash: hash, title: id, state: {}, event: started() }));
      }
      store.write((tx) => tx.appendEvent('C', 1, completed(), {}, { status: 'completed', outcome: 'done' }));
      const ids = (f?: Parameters<Store['listInstances']>[0]) => store.listInstances(f).map((i) => i.id);
      expect(ids()).toEqual(['A', 'B', 'C']);
      expect(ids({ status: 'active' })).toEqual(['A', 'B']);
      expect(ids({ status: ['active', 'completed'], sopId: 'layanan-surat' })).toEqual(['A', 'C']);
      expect(ids({ sopId: 'cuti' })).toEqual(['B']);
      expect(ids({ limit: 1 })).toEqual(['A']);
      expect(ids({ status: [] })).toEqual([]);
      expect(store.getInstance('nope')).toBeUndefined();
      expect(store.eventsOf('nope')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('logSince returns the global log in order, from a seq', () => {
    const { store } = storeWithInstance();
    store.write((tx) => tx.appendEvent('I-1', 1, completed(), {}));
    const all = store.logSince(0);
    expect(all.map((e) => [e.seq, e.kind, e.instanceId, e.version])).toEqual([
      [1, 'definition', null, null],
      [2, 'event', 'I-1', 1],
      [3, 'event', 'I-1', 2],
    ]);
    expect(store.logSince(2)).toEqual(all.slice(2));
    expect(store.logSince(0, 2)).toEqual(all.slice(0, 2));
    for (const e of all) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('the cached state is stored as canonical JSON', () => {
    const { store } = storeWithInstance();
    store.write((tx) => tx.appendEvent('I-1', 1, completed(), { z: 1, a: { y: 2, b: 3 } }));
    expect(store.db.prepare(`SELECT state FROM instances WHERE id = 'I-1'`).get()).toEqual({ state: '{"a":{"b":3,"y":2},"z":1}' });
  });
});
