/**
 * Opening the store where permissions apply: a read-only store is
 * unwritable. As root (as CI runs), permissions do not apply to this
 * process, so the store is opened and written by a process of the
 * unprivileged user nobody, importing the built store (dist/).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../engine/store/index.js';
import { codeOf, openStore, tempDir } from '../../store/helpers.js';
import { AS_NOBODY, ROOT_USER, unprivileged } from '../../helpers/unprivileged.js';

describe('opening the store', () => {
  it.skipIf(!unprivileged.ok)('reports a read-only store as unwritable (as root, checked as the unprivileged user nobody)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sop.db');
    openStore(file).close();
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    try {
      if (!ROOT_USER) {
        expect(codeOf(() => Store.open(file).write((tx) => tx.putBlob('x')))).toBe('store.unwritable');
        return;
      }
      // Root ignores permissions: open and write as nobody, in a process of its own.
      const storeUrl = pathToFileURL(path.resolve(import.meta.dirname, '../../../dist/engine/store/index.js')).href;
      const code = `import { Store } from ${JSON.stringify(storeUrl)};
        try { Store.open(${JSON.stringify(file)}).write((tx) => tx.putBlob('x')); console.log('written'); } catch (e) { console.log(e.code); }`;
      const r = spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '--input-type=module', '-e', code], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('store.unwritable');
    } finally {
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(file, 0o644);
    }
  });
});
