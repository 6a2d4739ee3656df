/** Stores for the benches, built through the engine as operators would fill them. */
import { mkdtempSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, initDatabase, addUser, startInstance, advanceInstance } from '../../dist/engine/index.js';
import { SOPS } from './measure.mjs';

export function tempDir(prefix = 'sop-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function session(db, user, create = false, sops = SOPS) {
  return new Session({ db, sops, identity: { user, osUser: 'bench' } }, { create });
}

export function as(db, user, fn, create = false) {
  const s = session(db, user, create);
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

/** A store with the people of pengecualian-smki and `active` instances waiting at step 2 (andi's), plus `fresh` at step 1 (sari's). */
export function smallStore(db, { active = 20, fresh = 0 } = {}) {
  as(db, 'admin', (s) => initDatabase(s, 'admin'), true);
  as(db, 'admin', (s) => {
    addUser(s, 'sari', [], false);
    addUser(s, 'andi', ['pengelola-tim-teknis'], false);
    addUser(s, 'rina', ['kepala-bidang-persandian'], false);
  });
  const ids = { active: [], fresh: [] };
  const sari = session(db, 'sari');
  try {
    for (let i = 0; i < active; i++) {
      const id = startInstance(sari, 'pengecualian-smki', { title: `Permohonan ${i}` }).id;
      advanceInstance(sari, id, { outputs: [{ id: 'surat-permohonan', value: `Surat ${i}` }] });
      ids.active.push(id);
    }
    for (let i = 0; i < fresh; i++) ids.fresh.push(startInstance(sari, 'pengecualian-smki', { title: `Baru ${i}` }).id);
  } finally {
    sari.close();
  }
  return ids;
}

export function copyStore(from, to) {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
