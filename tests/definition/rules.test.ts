/**
 * One fixture per rule: each file in tests/fixtures/rules is
 * tests/fixtures/valid/minimal.yaml with a single fault, and must be reported
 * with exactly one error, of the rule's code, at the line:col of the fault.
 *
 * The fixtures' first line is a schema modeline pointing at the schema from
 * two folders deeper than sops/; any modeline is accepted, wherever it points,
 * so they carry no `file.schema-comment` warning. The table asserts on errors only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSopFile, checkSopSource, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import type { Problem } from '../../engine/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const rule = (name: string) => `${fixtures}rules/${name}.yaml`;
const minimal = `${fixtures}valid/minimal.yaml`;

const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
const warningsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'warning');
const brief = (p: Problem) => ({ code: p.code, line: p.line, col: p.col });

interface Case {
  fixture: string;
  code: string;
  line: number;
  col: number;
  /** The part of the message that helps the author, when there is one. */
  message?: RegExp;
}

const cases: Case[] = [
  // The JSON Schema: a missing property at its parent node, an unknown one at its key, others at the value.
  { fixture: 'schema-required', code: 'schema.required', line: 23, col: 5, message: /"activity"/ },
  { fixture: 'schema-required-root', code: 'schema.required', line: 3, col: 1, message: /"revision"/ },
  { fixture: 'schema-unknown-property', code: 'schema.unknown-property', line: 28, col: 5, message: /did you mean "outputs"/ },
  { fixture: 'schema-type', code: 'schema.type', line: 4, col: 11, message: /whole number/ },
  { fixture: 'schema-type-revised-on', code: 'schema.type', line: 12, col: 14, message: /YYYY-MM-DD, or null/ },
  { fixture: 'schema-pattern-id', code: 'schema.pattern', line: 23, col: 9, message: /"Pengajuan_Permohonan" is not a valid id/ },
  { fixture: 'schema-pattern-date', code: 'schema.pattern', line: 11, col: 14, message: /is not a date/ },
  { fixture: 'schema-enum', code: 'schema.enum', line: 18, col: 11, message: /"role", "case"/ },
  { fixture: 'schema-min-items', code: 'schema.min-items', line: 22, col: 8 },
  { fixture: 'schema-empty', code: 'schema.empty', line: 25, col: 15 },
  { fixture: 'schema-empty-related', code: 'schema.empty', line: 57, col: 5 },
  { fixture: 'schema-minimum', code: 'schema.minimum', line: 4, col: 11 },
  { fixture: 'schema-too-long', code: 'schema.too-long', line: 27, col: 11, message: /40 characters/ },
  // Ids.
  { fixture: 'id-filename', code: 'id.filename', line: 3, col: 5, message: /set id: id-filename/ },
  { fixture: 'id-duplicate-step', code: 'id.duplicate', line: 43, col: 9, message: /"pengajuan"/ },
  { fixture: 'id-duplicate-actor', code: 'id.duplicate', line: 19, col: 9, message: /actor id "petugas"/ },
  { fixture: 'id-duplicate-output', code: 'id.duplicate', line: 47, col: 21, message: /output id "surat-permohonan"/ },
  { fixture: 'id-duplicate-end', code: 'id.duplicate', line: 51, col: 9, message: /"selesai"/ },
  // References.
  { fixture: 'ref-unknown-target-next', code: 'ref.unknown-target', line: 48, col: 11, message: /did you mean "selesai"/ },
  { fixture: 'ref-unknown-target-exit', code: 'ref.unknown-target', line: 39, col: 13, message: /did you mean "penerbitan"/ },
  { fixture: 'ref-unknown-target-start', code: 'ref.unknown-target', line: 5, col: 8, message: /"awal"/ },
  { fixture: 'ref-start-is-end', code: 'ref.unknown-target', line: 5, col: 8, message: /"selesai" is an end/ },
  { fixture: 'ref-unknown-actor', code: 'ref.unknown-actor', line: 46, col: 12, message: /"kepala"/ },
  { fixture: 'ref-unknown-sop', code: 'ref.unknown-sop', line: 57, col: 10, message: /"no-such-sop"/ },
  // Steps and decisions.
  { fixture: 'step-next-and-exits', code: 'step.next-and-exits', line: 36, col: 5 },
  { fixture: 'step-missing-next', code: 'step.missing-next', line: 43, col: 5 },
  { fixture: 'decision-too-few-exits', code: 'decision.too-few-exits', line: 38, col: 7 },
  { fixture: 'decision-duplicate-exit', code: 'decision.duplicate-exit', line: 40, col: 9 },
  { fixture: 'decision-exit-id', code: 'decision.exit-id', line: 40, col: 16, message: /add id:/ },
  // Time standards.
  { fixture: 'time-invalid-word', code: 'time.invalid', line: 27, col: 11, message: /"sebentar"/ },
  { fixture: 'time-invalid-zero', code: 'time.invalid', line: 27, col: 11, message: /greater than zero/ },
  { fixture: 'time-invalid-fraction-day', code: 'time.invalid', line: 36, col: 11, message: /whole number of working days/ },
  { fixture: 'time-invalid-iso-mixed', code: 'time.invalid', line: 47, col: 11, message: /mixes working days/ },
  // Separation of duties.
  { fixture: 'ref-unknown-step', code: 'ref.unknown-step', line: 48, col: 20, message: /no step has id "pemeriksan"; did you mean "pemeriksaan"/ },
  { fixture: 'step-separate-from-itself', code: 'step.separate-from-itself', line: 48, col: 33, message: /"penerbitan" cannot be separated from itself/ },
  // Safe display: no control or bidirectional character in the texts.
  { fixture: 'text-control-character', code: 'text.control-character', line: 34, col: 15, message: /U\+202E/ },
  { fixture: 'text-line-break', code: 'text.control-character', line: 20, col: 11, message: /a line break, and this text is one line/ },
  { fixture: 'text-escape-sequence', code: 'text.control-character', line: 10, col: 9, message: /U\+001B/ },
  // The flow.
  { fixture: 'flow-unreachable-step', code: 'flow.unreachable', line: 43, col: 5, message: /step "penerbitan"/ },
  { fixture: 'flow-unreachable-end', code: 'flow.unreachable', line: 53, col: 5, message: /end "ditolak"/ },
  { fixture: 'flow-no-end', code: 'flow.no-end', line: 52, col: 5, message: /"perbaikan"/ },
];

describe('the valid fixture every rule fixture is derived from', () => {
  it('Given minimal.yaml, When checked, Then it has a definition and no problem', () => {
    const checked = checkSopFile(minimal);
    expect(errorsOf(checked.problems)).toEqual([]);
    // Its first line is a schema modeline (pointing at ../../../schemas/): no warning either.
    expect(checked.problems).toEqual([]);
    expect(checked.definition?.id).toBe('minimal');
    expect(checked.definition?.steps.map((s) => s.kind)).toEqual(['process', 'decision', 'process']);
    expect(checked.definition?.ends.map((e) => e.outcome)).toEqual(['selesai', 'ditolak']);
  });

  it('Given a first line that is not a schema modeline, Then only the file.schema-comment warning is reported, at 1:1', () => {
    const lines = readFileSync(minimal, 'utf8').split('\n');
    lines[0] = '# SOP minimal';
    const checked = checkSopSource('minimal.yaml', lines.join('\n'), () => false);
    expect(checked.problems.map(brief)).toEqual([{ code: 'file.schema-comment', line: 1, col: 1 }]);
    expect(checked.problems[0]!.severity).toBe('warning');
    expect(checked.problems[0]!.message).toContain(SCHEMA_COMMENT);
    expect(checked.definition).toBeDefined();
  });

  it('Given the exact schema comment on the first line, Then there is no problem at all', () => {
    const lines = readFileSync(minimal, 'utf8').split('\n');
    lines[0] = SCHEMA_COMMENT;
    const checked = checkSopSource('minimal.yaml', lines.join('\n'), () => false);
    expect(checked.problems).toEqual([]);
    expect(checked.definition).toBeDefined();
  });
});

describe('the schema modeline may point anywhere', () => {
  const body = readFileSync(minimal, 'utf8').replace(/^.*\n/, '');
  const check = (firstLines: string) => checkSopSource('minimal.yaml', `${firstLines}${body}`, () => false);

  it.each([
    ['a URL', '# yaml-language-server: $schema=https://example.go.id/schemas/sop.schema.json'],
    ['a copy beside the SOPs', '# yaml-language-server: $schema=sop.schema.json'],
    ['an absolute path', '# yaml-language-server: $schema=/opt/sop/schemas/sop.schema.json'],
    ["the fixture's own relative path", '# yaml-language-server: $schema=../../../schemas/sop.schema.json'],
  ])('Given a modeline pointing at %s, Then there is no file.schema-comment warning (no problem at all)', (_, modeline) => {
    const checked = check(`${modeline}\n`);
    expect(checked.problems).toEqual([]);
    expect(checked.definition).toBeDefined();
  });

  it.each([
    ['no first comment at all', ''],
    ['another comment first', '# SOP minimal\n'],
    ['the modeline on the second line', '# SOP minimal\n# yaml-language-server: $schema=sop.schema.json\n'],
    ['a modeline that points nowhere', '# yaml-language-server: $schema=\n'],
  ])('Given %s, Then the file.schema-comment warning is still reported, at 1:1', (_, firstLines) => {
    const checked = check(firstLines);
    expect(checked.problems.map(brief)).toEqual([{ code: 'file.schema-comment', line: 1, col: 1 }]);
    expect(checked.problems[0]!.severity).toBe('warning');
    expect(checked.definition).toBeDefined();
  });
});

describe('each rule reports one error at the fault', () => {
  it.each(cases)('$fixture: $code at $line:$col', ({ fixture, code, line, col, message }) => {
    const checked = checkSopFile(rule(fixture));
    const errors = errorsOf(checked.problems);
    expect(errors.map(brief)).toEqual([{ code, line, col }]);
    if (message) expect(errors[0]!.message).toMatch(message);
    expect(checked.definition).toBeUndefined();
  });

  it('covers every fixture in tests/fixtures/rules with the table or a test of its own', () => {
    const named = new Set([...cases.map((c) => c.fixture), 'schema-misspelt-required', 'step-duplicate-number']);
    const files = readdirSync(`${fixtures}rules`).map((f) => f.replace(/\.yaml$/, ''));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
  });
});

describe('rules with more than one finding, or only a warning', () => {
  it('Given a misspelt required key (activty), Then it is unknown, with the close name suggested, and the property is missing', () => {
    const checked = checkSopFile(rule('schema-misspelt-required'));
    const errors = errorsOf(checked.problems);
    expect(errors.map(brief)).toEqual([
      { code: 'schema.required', line: 23, col: 5 },
      { code: 'schema.unknown-property', line: 25, col: 5 },
    ]);
    expect(errors[1]!.message).toMatch(/did you mean "activity"/);
    expect(checked.definition).toBeUndefined();
  });

  it('Given a step number printed twice, Then it is a warning at the second number, and the definition is still returned', () => {
    const checked = checkSopFile(rule('step-duplicate-number'));
    expect(errorsOf(checked.problems)).toEqual([]);
    const warnings = warningsOf(checked.problems).filter((p) => p.code !== 'file.schema-comment');
    expect(warnings.map(brief)).toEqual([{ code: 'step.duplicate-number', line: 44, col: 13 }]);
    expect(warnings[0]!.message).toMatch(/"pemeriksaan"/);
    expect(checked.definition?.steps.map((s) => s.number)).toEqual(['1', '2', '2']);
  });
});
