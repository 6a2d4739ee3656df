/**
 * `sop published`: what the office runs, as an operator asks for it (the
 * SOP folder that `sop catalog` lists is where maintainers write, not what
 * starts). Each SOP with its nomor, nama, revision and tanggal efektif; a
 * publication still to come is shown as such; naming one never published
 * exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sop, tempDir } from '../../helpers/cli.js';
import { officeWith } from '../../helpers/engine.js';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = tempDir('sop-published-');
  db = join(dir, 'sop.db');
  const office = await officeWith(db, { sari: [] });
  try {
    // A new tanggal efektif for one SOP, a year ahead: published now, in effect later.
    await office.as('admin').definitions.publish('pengecualian-smki', { effectiveOn: '2099-01-01' });
  } finally {
    await office.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Given an office that published the three seed SOPs, and pengecualian-smki again from 2099-01-01', () => {
  it('when an operator runs sop published, then each SOP is listed with its nomor, nama, the revision in effect and since when, and the one to come', () => {
    const r = sop(['published', '--db', db], { login: 'sari' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pengecualian-smki  B-434/DISKOMINFO/000.6/08/2025\n  Pengecualian Penerapan SMKI\n  berlaku: revisi 1 sejak 2025-08-04 (diterbitkan oleh admin, ');
    expect(r.stdout).toContain('  akan berlaku: revisi 1 sejak 2099-01-01 (diterbitkan oleh admin, ');
    expect(r.stdout).toMatch(/^pengelolaan-akses-pengguna {2}B-015\/DISKOMINFO/m);
    expect(r.stdout).toMatch(/^kalender kantor: berlaku sejak \d{4}-\d{2}-\d{2} \(diterbitkan oleh admin, /m);
  });

  it('when asked with --json, then every publication says where it stands, in the order published', () => {
    const r = sop(['published', 'pengecualian-smki', '--json', '--db', db], { login: 'sari' });
    expect(r.code).toBe(0);
    const { sops } = JSON.parse(r.stdout) as { sops: { sop: string; effectiveOn: string; state: string; inEffect: boolean; name: string }[] };
    expect(sops.map((p) => [p.effectiveOn, p.state, p.inEffect])).toEqual([
      ['2025-08-04', 'in-effect', true],
      ['2099-01-01', 'to-come', false],
    ]);
    expect(sops[0]!.name).toBe('Pengecualian Penerapan SMKI');
  });

  it('when an SOP that was never published is named, then it says so and exits 1', () => {
    const r = sop(['published', 'tidak-ada', '--db', db], { login: 'sari' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('SOP tidak-ada was never published\n');
  });
});
