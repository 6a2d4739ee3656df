/**
 * The skeleton `sop new` writes: valid as written, with no warning, and with
 * every section of the format present for the maintainer to fill in.
 */
import { describe, expect, it } from 'vitest';
import { checkSopSource, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { assertNewSopId, sopSkeleton } from '../../engine/tooling/skeleton.js';

const check = (id: string, text: string) => checkSopSource(`sops/${id}.yaml`, text, () => false);

describe('Given sop new permohonan-surat-keterangan', () => {
  const text = sopSkeleton('permohonan-surat-keterangan', { today: '2026-11-23' });
  const checked = check('permohonan-surat-keterangan', text);

  it('Then the file starts with the schema comment and checks with no problem at all (no error, no warning)', () => {
    expect(text.split('\n')[0]).toBe(SCHEMA_COMMENT);
    expect(checked.problems).toEqual([]);
    expect(checked.definition).toBeDefined();
  });

  it('Then every section of the format is there: identity, the six sections, actors, steps with mutu baku, ends', () => {
    const def = checked.definition!;
    expect(def.identity).toMatchObject({ name: 'Permohonan Surat Keterangan', createdOn: '2026-11-23', effectiveOn: '2026-11-23', revisedOn: null });
    expect(Object.keys(def.identity.approvedBy ?? {})).toEqual(['note', 'position', 'name', 'rank']);
    for (const list of [def.legalBasis, def.qualifications, def.related, def.equipment, def.warnings, def.records]) expect(list.length).toBeGreaterThan(0);
    // retention is optional: offered commented out.
    expect(text).toMatch(/^# retention:\n# {3}minimumYears: 2$/m);
    expect(def.actors.map((a) => a.kind)).toEqual(['case', 'role']);
    expect(def.steps.map((s) => s.kind)).toEqual(['process', 'decision', 'process']);
    expect(def.ends.map((e) => e.outcome)).toEqual(['selesai', 'ditolak']);
    for (const s of def.steps) {
      expect(s.timeText).not.toBeNull();
      expect(s.requirements.length).toBeGreaterThan(0);
    }
  });

  it('Then each section is commented with its name in the document', () => {
    for (const name of [
      'Identitas SOP',
      'Dasar Hukum',
      'Kualifikasi Pelaksana',
      'Keterkaitan',
      'Peralatan/Perlengkapan',
      'Peringatan',
      'Pencatatan dan Pendataan',
      'Pelaksana',
      'Prosedur',
      'Uraian Prosedur',
      'Kelengkapan',
      'Waktu',
      'Output',
      'Keterangan',
      'Ends',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('names and ids', () => {
  it('Given --name with characters YAML would read otherwise, Then the name is kept exactly', () => {
    const name = 'Izin: "Khusus" # 1';
    const checked = check('izin-khusus', sopSkeleton('izin-khusus', { today: '2026-01-02', name }));
    expect(checked.problems).toEqual([]);
    expect(checked.definition!.identity.name).toBe(name);
  });

  it.each(['Bad_Id', 'dua--strip', '-awal', 'akhir-', '', 'a'.repeat(65), 'calendar'])('Given the id %j, Then it is refused with sop.invalid-id', (id) => {
    expect(() => assertNewSopId(id)).toThrow(expect.objectContaining({ code: 'sop.invalid-id' }));
  });
});
