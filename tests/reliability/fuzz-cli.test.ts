/**
 * "Fuzz the CLI's arguments: titles, notes and user names with quotes, SQL,
 * control characters and 1 MB strings; --output paths that traverse, point
 * at devices or directories, or do not exist. Pass: never a stack trace,
 * never a hang, never a changed database on a refused command."
 *
 * The bulk runs in-process through the CLI's own entry point (`run` of
 * cli/program.ts, what the binary calls) with fast-check: hostile strings
 * in every slot of the changing commands and of the commands that look an
 * instance up; then the paths of --to and --out, one by one. A sample runs
 * as child processes of the built CLI, where a stack trace or a hang would
 * show as a person sees it, with the paths of --output @file:
 * tests/e2e/reliability/fuzz-cli.test.ts. The hostile values, the commands
 * and the pass conditions are shared (fuzz-cli-cases.ts).
 *
 * "Refused" and "changed": a refusal of a step is recorded in the history
 * by design (see README, Running SOPs): such a refusal adds exactly one
 * refused entry and nothing else. Every other refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { openOffice, type TestOffice } from '../helpers/engine.js';
import { commands, describeStats, expectSafe, freshInstance, hostile, inProcess, makeFuzzStore, newStats, seed, snapshot } from './fuzz-cli-cases.js';

const IN_PROCESS_CASES = 300;

let dir: string;
let db: string;
let office: TestOffice;
/** The engine acting for sari, who starts an instance for each case. */
let sari: Engine;
const stats = newStats();

const run = (args: string[], login?: string) => inProcess(db, args, login);

beforeAll(async () => {
  dir = tempDir('sop-fuzz-cli-');
  db = join(dir, 'sop.db');
  await makeFuzzStore(db);
  office = await openOffice(db, { create: false });
  sari = office.as('sari');
});

afterAll(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz-cli: ${describeStats(stats)}`);
});

describe('Given hostile values in every slot of the commands', () => {
  it(`${IN_PROCESS_CASES} cases in-process: never a stack trace, never a hang, exit 0/1/2, and a refused command leaves the database as it was`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: commands.length - 1 }), hostile, async (which, value) => {
        const [, login, build] = commands[which]!;
        const args = build(value, await freshInstance(sari));
        const before = snapshot(db);
        const r = await run(args, login);
        expectSafe(stats, args, r, before, snapshot(db));
        stats.inProcess++;
      }),
      { numRuns: IN_PROCESS_CASES, ...(seed === undefined ? {} : { seed }) },
    );
  });

  it('and what is accepted is stored as given, byte for byte: quotes and SQL are data', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a title taken literally.
    for (const title of ["'; DROP TABLE log; --", 'Permohonan "darurat" \\ 100% ${PATH}', 'ñandú 😀 Ä°']) {
      const r = await run(['start', 'pengecualian-smki', '--title', title, '--json'], 'sari');
      expect(r.code, r.stderr).toBe(0);
      const status = await run(['status', JSON.parse(r.stdout).id, '--json']);
      expect(JSON.parse(status.stdout).title).toBe(title);
    }
    // A bidirectional control (U+202E reverses what a reader sees) is not plain text: refused like a
    // control character (engine/text.ts), and nothing is written.
    const before = snapshot(db);
    const bidi = await run(['start', 'pengecualian-smki', '--title', 'ñandú 😀 \u202e', '--json'], 'sari');
    expect(bidi.code).toBe(1);
    expect(bidi.stderr).toContain('[start.invalid-title]');
    expect(snapshot(db)).toEqual(before);
    const inst = await freshInstance(sari);
    const note = "Catatan: ' OR '1'='1; DELETE FROM blobs; -- \"selesai\"";
    const content = "Surat'); DROP TABLE instances; --";
    const r = await run(['advance', inst, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=${content}`, '--note', note], 'sari');
    expect(r.code, r.stderr).toBe(0);
    expect((await sari.instances.output(inst, 'surat-permohonan')).content.toString('utf8')).toBe(content);
    const history = JSON.parse((await run(['history', inst, '--json'])).stdout);
    expect(history.entries.at(-1).note).toBe(note);
  });
});

describe('Given sop output --to and sop export --out pointing anywhere', () => {
  let secretFile: string;
  beforeAll(() => {
    secretFile = join(dir, 'rahasia', 'surat.txt');
    mkdirSync(join(dir, 'rahasia'));
    writeFileSync(secretFile, 'Isi surat dari folder lain\n');
  });

  it('when sop output --to or sop export --out names a device, a folder, a missing folder or an existing file, then it is written or refused cleanly, and nothing in the store changes', async () => {
    const inst = await freshInstance(sari);
    expect((await run(['advance', inst, '--step', 'pengajuan-permohonan', '--output', 'surat-permohonan=Isi'], 'sari')).code).toBe(0);
    const targets = ['/dev/full', '/dev/null', dir, join(dir, 'tidak', 'ada', 'berkas.txt'), secretFile, join(dir, 'baru.txt'), '/proc/self/mem', ''];
    for (const target of targets) {
      for (const args of [
        ['output', inst, 'surat-permohonan', '--to', target],
        ['export', inst, '--out', target],
      ]) {
        const before = snapshot(db);
        const r = await run(args);
        expectSafe(stats, args, r, before, snapshot(db));
        expect(snapshot(db)).toEqual(before);
        stats.paths++;
      }
    }
    // An existing file is never overwritten.
    expect(readFileSync(secretFile, 'utf8')).toBe('Isi surat dari folder lain\n');
  });
});
