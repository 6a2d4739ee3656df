/**
 * SOPs held in memory (`sopsInMemory`, from the public entry): a program
 * that keeps its SOPs elsewhere than in files (a database, a form) runs them
 * with the same checks as a folder's, here on a store in memory too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, SopError, sopsInMemory, type Engine } from '../../engine/index.js';

const minimal = readFileSync(fileURLToPath(new URL('../fixtures/valid/minimal.yaml', import.meta.url)), 'utf8');
const CALENDAR = 'timeZone: Asia/Jakarta\nworkingHours:\n  monday: ["08:00-16:00"]\n  tuesday: ["08:00-16:00"]\n  wednesday: ["08:00-16:00"]\n  thursday: ["08:00-16:00"]\n  friday: ["08:00-16:00"]\n';
/** Monday 23 November 2026, 09:00 WIB. */
const clock = () => new Date('2026-11-23T02:00:00Z');

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** A store in memory with its administrator (a maintainer), the SOPs in memory and their calendar published unless `publish` is false. */
async function office(files: Record<string, string>, publish = true): Promise<Engine> {
  engine = await openEngine({ db: ':memory:', create: true, clock, sops: sopsInMemory(files, { calendar: CALENDAR }), identity: { user: 'admin', osUser: 'app' } });
  await engine.people.init('admin');
  if (publish) {
    for (const id of Object.keys(files)) await engine.definitions.publish(id);
    await engine.definitions.publishCalendar();
  }
  return engine;
}
const as = (e: Engine, user: string) => e.as({ user, osUser: 'app' });

async function refusal(p: Promise<unknown>): Promise<SopError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SopError) return e;
    throw e;
  }
  throw new Error('expected a SopError');
}

describe('Given an SOP held in memory and a store in memory', () => {
  it('When an instance is started and advanced to its end, Then it completes, its outputs read back, and the store verifies', async () => {
    const e = await office({ minimal });
    expect(e.sops).toBe('memory');
    expect(e.db).toBe(':memory:');
    await e.people.add('siti', { roles: ['petugas'] });
    await e.people.add('budi');

    const { id } = await as(e, 'budi').instances.start('minimal', { title: 'Surat keterangan domisili' });
    const started = await e.instances.status(id);
    expect(started).toMatchObject({ sop: 'minimal', revision: 1, status: 'active', assignments: { pemohon: 'budi' } });
    // Its due time is counted in the calendar held in memory (WIB), not the default one (WITA).
    expect(started.current[0]).toMatchObject({ step: 'pengajuan', dueLocal: '2026-11-23 09:10 WIB' });

    await as(e, 'budi').instances.advance(id, { step: 'pengajuan', outputs: [{ id: 'surat-permohonan', value: 'Permohonan domisili, RT 03' }] });
    expect(await as(e, 'siti').instances.advance(id, { step: 'pemeriksaan', choice: 'Setuju' })).toMatchObject({ completed: 'pemeriksaan', choice: 'setuju' });
    const done = await as(e, 'siti').instances.advance(id, { step: 'penerbitan', outputs: [{ id: 'surat-keterangan', value: 'SK/470/123/2026' }] });
    expect(done).toMatchObject({ completed: 'penerbitan', status: { status: 'completed', outcome: 'selesai', current: [] } });

    expect((await e.instances.output(id, 'surat-keterangan')).content.toString('utf8')).toBe('SK/470/123/2026');
    const history = await e.instances.history(id);
    expect(history.entries.map((h) => h.type)).toEqual(['started', 'completed', 'completed', 'completed']);
    const report = await e.audit.verify();
    expect(report).toMatchObject({ ok: true, breaks: [], instances: 1, definitions: 1 });
    expect((await e.definitions.calendar()).timeZone).toBe('Asia/Jakarta');
  });

  it('When the SOPs in memory are validated and listed, Then they are checked like files named <id>.yaml', async () => {
    const e = await office({ minimal });
    const validation = await e.definitions.validate();
    expect(validation).toMatchObject({ valid: true, errors: 0, warnings: 0, files: [{ file: 'minimal.yaml', id: 'minimal', valid: true, problems: [] }] });
    expect((await e.definitions.catalog()).sops.map((s) => [s.id, s.file])).toEqual([['minimal', 'minimal.yaml']]);
  });
});

describe('Given an invalid SOP held in memory', () => {
  // The actor of step 1 (line 26, "    actor: pemohon") names nobody.
  const invalid = minimal.replace('    actor: pemohon\n', '    actor: nobody\n');

  it('When it is published, Then it is refused with sop.invalid and its problems, located in <id>.yaml; nothing is published, and nothing starts', async () => {
    expect(invalid).not.toBe(minimal);
    expect(invalid.split('\n')[25]).toBe('    actor: nobody');
    const e = await office({ minimal: invalid }, false);
    await e.people.add('budi');
    const error = await refusal(e.definitions.publish('minimal'));
    expect(error).toMatchObject({ code: 'sop.invalid', kind: 'invalid', data: { sop: 'minimal', file: 'minimal.yaml' } });
    expect(error.message).toContain('minimal.yaml is not a valid SOP');
    expect(error.problems.map((p) => ({ file: p.file, line: p.line, col: p.col, code: p.code, severity: p.severity }))).toEqual([
      { file: 'minimal.yaml', line: 26, col: 12, code: 'ref.unknown-actor', severity: 'error' },
    ]);
    expect((await e.definitions.published()).sops).toEqual([]);
    expect(await refusal(as(e, 'budi').instances.start('minimal', { title: 'x' }))).toMatchObject({ code: 'sop.not-published', data: { sop: 'minimal', published: [] } });
    expect(await e.instances.list()).toEqual([]);
  });

  it('When it is read or drawn, Then it is refused the same way; an id not held is sop.not-found', async () => {
    const e = await office({ minimal: invalid }, false);
    expect(await refusal(e.definitions.get('minimal'))).toMatchObject({ code: 'sop.invalid', problems: [{ file: 'minimal.yaml', line: 26, col: 12 }] });
    expect(await refusal(e.definitions.graph('minimal', 'mermaid'))).toMatchObject({ code: 'sop.invalid' });
    expect(await refusal(e.definitions.get('lain'))).toMatchObject({ code: 'sop.not-found', kind: 'not-found', data: { source: 'memory', known: ['minimal'] } });
    expect(await e.definitions.validate()).toMatchObject({ valid: false, errors: 1, files: [{ file: 'minimal.yaml', valid: false, problems: [{ code: 'ref.unknown-actor', line: 26, col: 12 }] }] });
  });
});
