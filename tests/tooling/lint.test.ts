/**
 * Lint: one fixture per rule in tests/fixtures/lint, each
 * tests/fixtures/valid/minimal.yaml with one finding, reported as a warning
 * of the rule's code at the line:col of the node. A warning never takes the
 * definition away. The fixtures' first line is a schema modeline (any is
 * accepted), so they carry no `file.schema-comment` warning; the table would
 * leave it out anyway, being about lint.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSopFile, checkSopSource, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { relatedSopsIn } from '../../engine/definition/related-lookup.js';
import type { Problem } from '../../engine/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SOPS = fileURLToPath(new URL('../../sops/', import.meta.url));
const lintOf = (problems: Problem[]) => problems.filter((p) => p.code !== 'file.schema-comment');
const brief = (p: Problem) => ({ code: p.code, severity: p.severity, line: p.line, col: p.col, path: p.path });

interface Case {
  fixture: string;
  code: string;
  line: number;
  col: number;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  { fixture: 'lint-missing-time', code: 'lint.missing-time', line: 23, col: 5, path: 'steps[0]', message: /"pengajuan" has no waktu/ },
  { fixture: 'lint-missing-output', code: 'lint.missing-output', line: 43, col: 5, path: 'steps[2]', message: /outputs: \[\] when the document's Output cell is empty/ },
  { fixture: 'lint-unused-actor', code: 'lint.unused-actor', line: 21, col: 9, path: 'actors[2].id', message: /"kepala-dinas" \(Kepala Dinas\) performs no step/ },
  { fixture: 'lint-same-exits', code: 'lint.same-exits', line: 48, col: 5, path: 'steps[2].exits', message: /every exit of decision "penerbitan" leads to "selesai"/ },
  { fixture: 'lint-endless-loop', code: 'lint.endless-loop', line: 60, col: 5, path: 'steps[3].exits', message: /"perbaikan" goes back to an earlier step \(pengajuan, pemeriksaan\)/ },
];

describe('each lint rule reports one warning at its node', () => {
  it.each(cases)('$fixture: $code at $line:$col', ({ fixture, code, line, col, path, message }) => {
    const checked = checkSopFile(`${fixtures}lint/${fixture}.yaml`);
    const found = lintOf(checked.problems);
    expect(found.map(brief)).toEqual([{ code, severity: 'warning', line, col, path }]);
    expect(found[0]!.message).toMatch(message);
    // A warning does not stop the SOP from running.
    expect(checked.definition).toBeDefined();
  });

  it('covers every fixture in tests/fixtures/lint', () => {
    const files = readdirSync(`${fixtures}lint`)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual(cases.map((c) => c.fixture).sort());
  });
});

describe('lint.related-cycle: keterkaitan by id that lead back to the SOP', () => {
  const folder = `${fixtures}lint/related-cycle/`;

  it.each([
    ['siklus-a', 'siklus-a -> siklus-b -> siklus-a'],
    ['siklus-b', 'siklus-b -> siklus-a -> siklus-b'],
    ['siklus-sendiri', 'siklus-sendiri -> siklus-sendiri'],
  ])('Given %s and the folder of related SOPs, Then the warning is at its related[1].sop (17:10) and names the cycle', (id, cycle) => {
    const checked = checkSopFile(`${folder}${id}.yaml`, undefined, relatedSopsIn(folder));
    const found = lintOf(checked.problems);
    expect(found.map(brief)).toEqual([{ code: 'lint.related-cycle', severity: 'warning', line: 17, col: 10, path: 'related[1].sop' }]);
    expect(found[0]!.message).toContain(`keterkaitan forms a cycle: ${cycle}`);
  });

  it('Given no folder lookup (as the runtime loads an SOP), Then the other files are not read and there is no cycle warning', () => {
    const checked = checkSopFile(`${folder}siklus-a.yaml`);
    expect(lintOf(checked.problems)).toEqual([]);
  });

  it('Given a related SOP that relates onward but never back, Then there is no warning', () => {
    // The seed pengelolaan-akses-pengguna relates to implementasi-security-patch, which names its related SOPs by name only.
    const checked = checkSopFile(`${SOPS}pengelolaan-akses-pengguna.yaml`, undefined, relatedSopsIn(SOPS));
    expect(checked.problems.filter((p) => p.code === 'lint.related-cycle')).toEqual([]);
  });

  it('Given a lookup, Then each other SOP file is read at most once', () => {
    const reads: string[] = [];
    const lookup = relatedSopsIn(folder);
    const counting = (id: string) => {
      reads.push(id);
      return lookup(id);
    };
    checkSopFile(`${folder}siklus-a.yaml`, undefined, counting);
    expect(reads).toEqual(['siklus-b']);
  });
});

describe('the seeds are clean', () => {
  it.each(['pengecualian-smki', 'implementasi-security-patch', 'pengelolaan-akses-pengguna'])('Given the seed %s, When linted with its folder, Then there is no lint warning', (id) => {
    const checked = checkSopFile(`${SOPS}${id}.yaml`, undefined, relatedSopsIn(SOPS));
    expect(checked.problems.filter((p) => p.code.startsWith('lint.'))).toEqual([]);
  });
});

describe('what the rules leave alone', () => {
  const minimal = readFileSync(`${fixtures}valid/minimal.yaml`, 'utf8').replace(/^.*\n/, `${SCHEMA_COMMENT}\n`);
  const check = (text: string) => lintOf(checkSopSource('minimal.yaml', text, () => false).problems);

  it('Given a decision without an output, Then no lint.missing-output: its choice is its record', () => {
    expect(minimal).toMatch(/id: pemeriksaan\n(?:.*\n)*?\s+exits:/);
    expect(check(minimal)).toEqual([]);
  });

  it('Given outputs: [] on a process step (the document prints no Output), Then no warning', () => {
    const text = minimal.replace(/ {4}outputs:\n {6}- id: surat-keterangan\n {8}name: Surat Keterangan\n/, '    outputs: []\n');
    expect(text).not.toBe(minimal);
    expect(check(text)).toEqual([]);
  });

  it('Given a loop with a way on (a second review that can send the file back to the start), Then no lint.endless-loop', () => {
    // pemeriksaan: Setuju -> penerbitan; penerbitan is a decision that either ends or sends the file back to pengajuan.
    const text = minimal.replace(
      / {4}time: 2 Jam\n {4}outputs:\n {6}- id: surat-keterangan\n {8}name: Surat Keterangan\n {4}next: selesai\n/,
      '    time: 2 Jam\n    exits:\n      - label: Sesuai\n        to: selesai\n      - label: Perlu Diperbaiki\n        to: pengajuan\n',
    );
    expect(text).not.toBe(minimal);
    expect(check(text)).toEqual([]);
  });

  it('Given an SOP with errors, Then no lint runs (its errors come first)', () => {
    const text = minimal.replace('    actor: pemohon\n    time: 10 Menit\n', '    actor: nobody\n');
    const problems = checkSopSource('minimal.yaml', text, () => false).problems;
    expect(problems.map((p) => p.code)).toEqual(['ref.unknown-actor']);
  });
});
