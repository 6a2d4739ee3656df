/**
 * An operator runs sop many times a day, and the CLI is one bundle where a
 * static import of a package left outside it is loaded as the bundle starts
 * (rolldown.config.mjs). These tests run the built CLI and list the packages
 * each command loads: the office server's web framework (Fastify, some 150
 * files and about 60 ms) only for `sop serve`, the YAML parser only where a
 * file is read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OS_LOGIN_PRELOAD, sop, tempDir } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';

const PRELOAD = join(import.meta.dirname, '..', '..', 'helpers', 'loaded-packages-preload.cjs');
let dir: string;
let db: string;
let instance: string;

/** The packages of node_modules that `sop <args>`, run by `login`, loaded. */
function packagesLoadedBy(args: string[], login = 'andi'): string[] {
  const file = join(dir, `loaded-${Math.random().toString(36).slice(2)}`);
  const r = sop([...args, '--db', db], { env: { SOP_TEST_OS_LOGIN: login, SOP_TEST_LOADED: file, NODE_OPTIONS: `--require ${OS_LOGIN_PRELOAD} --require ${PRELOAD}` } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

beforeAll(async () => {
  dir = tempDir();
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { andi: ['pengelola-tim-teknis'], sari: [] });
  instance = (await office.as('sari').instances.start('pengecualian-smki')).id;
  await office.close();
});

describe('Given an office store and the built CLI', () => {
  it('when an operator runs status, tasks, history or --version, then only better-sqlite3 is loaded: not Fastify, not the YAML parser', () => {
    for (const args of [['--version'], ['status', instance], ['tasks'], ['history', instance]]) {
      expect({ args, loaded: packagesLoadedBy(args) }).toEqual({ args, loaded: ['better-sqlite3'] });
    }
  });

  it('when sop serve --help runs, then Fastify is still not loaded: only starting a server loads it', () => {
    expect(packagesLoadedBy(['serve', '--help'])).not.toContain('fastify');
  });
});
