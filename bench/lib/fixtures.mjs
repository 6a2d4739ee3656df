/** Stores for the benches, built through the engine's public entry as operators would fill them. */
import { mkdtempSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../dist/engine/index.js';
import { SOPS } from './measure.mjs';

export function tempDir(prefix = 'sop-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The OS login running the bench: the CLI acts as the person bound to it
 * (direct file mode), so the stores bind it to the person whose commands
 * are timed.
 */
export const OS_LOGIN = userInfo().username;

/** The engine on the store `db`, acting for `user` (OS login "bench"); `engine.as(...)` acts for someone else on the same connection. */
export function openAs(db, user, { create = false, sops = SOPS } = {}) {
  return openEngine({ db, sops, create, identity: { user, osUser: 'bench' } });
}

/** The identity of `user`, for `engine.as(...)`. */
export const person = (user) => ({ user, osUser: 'bench' });

/** Runs `fn(engine)` acting for `user`, then closes the engine. */
export async function as(db, user, fn, create = false) {
  const engine = await openAs(db, user, { create });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * A store with the people of pengecualian-smki (andi bound to the OS login
 * running the bench), the SOP published, and `active` instances waiting at
 * step 2 (andi's), plus `fresh` at step 1, whose Pemohon is `freshFor`.
 */
export async function smallStore(db, { active = 20, fresh = 0, freshFor = 'sari' } = {}) {
  await as(db, 'admin', (e) => e.people.init('admin', { login: null }), true);
  await as(db, 'admin', async (e) => {
    // Roles are the actors of published SOPs: publish first.
    await e.definitions.publish('pengecualian-smki');
    await e.people.add('sari', { roles: [] });
    await e.people.add('andi', { roles: ['pengelola-tim-teknis'], login: OS_LOGIN });
    await e.people.add('rina', { roles: ['kepala-bidang-persandian'] });
  });
  const ids = { active: [], fresh: [] };
  await as(db, 'sari', async (sari) => {
    for (let i = 0; i < active; i++) {
      const { id } = await sari.instances.start('pengecualian-smki', { title: `Permohonan ${i}` });
      await sari.instances.advance(id, { step: 'pengajuan-permohonan', outputs: [{ id: 'surat-permohonan', value: `Surat ${i}` }] });
      ids.active.push(id);
    }
    for (let i = 0; i < fresh; i++) ids.fresh.push((await sari.instances.start('pengecualian-smki', { title: `Baru ${i}`, assign: { pemohon: freshFor } })).id);
  });
  return ids;
}

export function copyStore(from, to) {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}
