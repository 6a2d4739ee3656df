/**
 * "Fuzz the YAML loader with a property-based library (fast-check),
 * mutating the seed SOPs thousands of times per run. Pass: never a stack
 * trace, never a hang."
 *
 * Each case takes a seed SOP (sops/*.yaml) and applies one to five
 * mutations: a character replaced (by a control character, a YAML
 * indicator, a non-ASCII letter ...), lines deleted, repeated or swapped,
 * indentation changed, YAML syntax inserted (anchors and aliases, tags,
 * directives, document markers, merge keys, flow collections, block
 * scalars, __proto__), a huge scalar, deep nesting, the text cut short.
 * The property: checking it never throws, and answers either a definition
 * with no error or located errors with stable codes (how long a check
 * takes is the benchmark's: npm run bench, 6a, times the worst hostile
 * files). A smaller run goes through the file reader (checkSopFile) with
 * byte-level damage: NUL bytes, invalid UTF-8, a BOM.
 *
 * The seed of a failing run is printed by fast-check; replay it with
 * `FC_SEED=<seed> npx vitest run --project unit tests/reliability/fuzz-yaml.test.ts`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSopSource, checkSopFile, MAX_SOP_FILE_BYTES } from '../../engine/definition/load.js';
import type { CheckedFile } from '../../engine/definition/load.js';
import { SOPS } from '../helpers/cli.js';

/** Cases per run: the loader checks about 250 mutated SOPs a second on one core. */
const SOURCE_CASES = 2000;
const FILE_CASES = 300;

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const SEEDS = readdirSync(SOPS)
  .filter((f) => f.endsWith('.yaml') && f !== 'calendar.yaml')
  .map((f) => ({ file: `sops/${f}`, text: readFileSync(join(SOPS, f), 'utf8') }));
const IDS = new Set(SEEDS.map((s) => s.file.slice(5, -5)));
const sopExists = (id: string) => IDS.has(id);

const YAML_BITS = [
  ': ',
  '- ',
  '? ',
  '&a ',
  '*a',
  '*undefined_alias',
  '!tag ',
  '!!binary ',
  '!!python/object:os.system ',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '---\n',
  '...\n',
  '<<: *a\n',
  '__proto__: {}\n',
  'constructor: {prototype: {}}\n',
  '|\n',
  '>-\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  '"',
  "'",
  '\\',
  '\t',
  '\r',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud83d\ude00',
  '\ud800',
  'null',
  '~',
  'yes',
  'no',
  'on',
  '0x1F',
  '1e400',
  '-.inf',
  '.nan',
  '2026-02-30',
  '99999999999999999999',
  '-1',
  '0',
  "'; DROP TABLE log; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile value, taken literally.
  '${HOME}',
  '$(rm -rf /)',
  '../../etc/passwd',
  'Hari',
  '0 Menit',
  '-5 Menit',
  '9999999 Hari',
  'P1DT1H',
  'PT0S',
];

type Mutation =
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete-lines'; line: number; count: number }
  | { kind: 'repeat-line'; line: number; times: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'huge-scalar'; line: number; size: number; char: string }
  | { kind: 'deep'; at: number; depth: number; style: 'flow-seq' | 'flow-map' | 'block' }
  | { kind: 'cut'; at: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const piece = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...YAML_BITS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
// The light mutations are most of a run; a huge scalar or deep nesting costs up to a thousand times more to check.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: position, text: piece }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: piece }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete-lines' as const), line: position, count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('repeat-line' as const), line: position, times: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('swap-lines' as const), a: position, b: position }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('indent' as const), line: position, by: fc.integer({ min: -6, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge-scalar' as const), line: position, size: fc.integer({ min: 1_000, max: 50_000 }), char: fc.constantFrom('a', 'é', ' ', '"', '\\', '\u{1F600}') }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deep' as const), at: position, depth: fc.integer({ min: 10, max: 1_000 }), style: fc.constantFrom('flow-seq' as const, 'flow-map' as const, 'block' as const) }),
  },
);

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const lineAt = (p: number) => Math.floor(p * lines.length);
  const at = (p: number) => Math.floor(p * (text.length + 1));
  switch (m.kind) {
    case 'replace':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at) + 1);
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete-lines':
      lines.splice(lineAt(m.line), m.count);
      return lines.join('\n');
    case 'repeat-line': {
      const i = lineAt(m.line);
      lines.splice(i, 0, ...Array<string>(m.times).fill(lines[i] ?? ''));
      return lines.join('\n');
    }
    case 'swap-lines': {
      const [i, j] = [lineAt(m.a), lineAt(m.b)];
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = lineAt(m.line);
      const line = lines[i] ?? '';
      lines[i] = m.by > 0 ? ' '.repeat(m.by) + line : line.slice(Math.min(-m.by, line.length - line.trimStart().length));
      return lines.join('\n');
    }
    case 'huge-scalar': {
      const i = lineAt(m.line);
      const line = lines[i] ?? '';
      const colon = line.indexOf(': ');
      const big = m.char.repeat(Math.ceil(m.size / m.char.length));
      lines[i] = colon >= 0 ? `${line.slice(0, colon + 2)}${big}` : `${line}${big}`;
      return lines.join('\n');
    }
    case 'deep': {
      // Block nesting costs its depth squared in indentation: 300 levels are 45,000 spaces.
      const open = m.style === 'flow-seq' ? '['.repeat(m.depth) : m.style === 'flow-map' ? '{a: '.repeat(m.depth) : Array.from({ length: Math.min(m.depth, 300) }, (_, k) => `${' '.repeat(k)}- `).join('\n');
      return text.slice(0, at(m.at)) + open + text.slice(at(m.at));
    }
    case 'cut':
      return text.slice(0, at(m.at));
  }
}

const mutated = fc
  .record({ seed: fc.integer({ min: 0, max: SEEDS.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }) })
  .map(({ seed: s, mutations }) => ({ seed: SEEDS[s]!, text: mutations.reduce(apply, SEEDS[s]!.text), mutations }))
  // The file reader refuses anything larger before the loader sees it (file.too-large).
  .filter((c) => Buffer.byteLength(c.text) <= MAX_SOP_FILE_BYTES);

const CODE = /^[a-z]+(\.[a-z0-9-]+)+$/;

/**
 * What every answer of the loader must look like. Plain checks rather than `expect` (thousands of
 * cases, up to twenty problems each); a failure says which problem and why.
 */
function expectWellFormed(checked: CheckedFile, file: string): void {
  const fail = (why: string, p?: unknown) => {
    throw new Error(`${why}${p === undefined ? '' : `: ${JSON.stringify(p).slice(0, 500)}`}`);
  };
  if (!Array.isArray(checked.problems)) fail('no problem list');
  for (const p of checked.problems) {
    if (p.file !== file) fail('the problem names another file', p);
    if (!CODE.test(p.code)) fail('not a stable code', p);
    if (p.severity !== 'error' && p.severity !== 'warning') fail('no severity', p);
    if (!Number.isInteger(p.line) || p.line < 0 || !Number.isInteger(p.col) || p.col < 0) fail('no location', p);
    if (typeof p.message !== 'string' || p.message.length === 0) fail('no message', p);
    // Bounded, and safe to print: a hostile file cannot drive the terminal through a message.
    if ([...p.message].length > 301) fail('a message longer than 300 characters', p);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(p.message)) fail('a control character in a message', p);
    if (typeof p.path !== 'string') fail('no path', p);
  }
  const errors = checked.problems.filter((p) => p.severity === 'error');
  if (checked.definition && errors.length > 0) fail('a definition despite errors', errors[0]);
  if (!checked.definition && errors.length === 0) fail('neither a definition nor an error');
}

const stats = { source: 0, sourceValid: 0, file: 0, slowest: 0, checkMs: 0 };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  console.log(
    `fuzz-yaml: ${stats.source} mutated sources (${stats.sourceValid} still valid), ${stats.file} mutated files; slowest check ${stats.slowest.toFixed(0)} ms, ${(stats.checkMs / 1000).toFixed(1)} s checking sources`,
  );
});

describe('Given the seed SOPs, mutated', () => {
  it('the seeds themselves are valid (the control)', () => {
    for (const s of SEEDS) expect(checkSopSource(s.file, s.text, sopExists).definition, s.file).toBeDefined();
  });

  it(`${SOURCE_CASES} times: checking never throws, and answers a definition or located errors with stable codes`, () => {
    fc.assert(
      fc.property(mutated, ({ seed: s, text }) => {
        const started = performance.now();
        const checked = checkSopSource(s.file, text, sopExists);
        const ms = performance.now() - started;
        stats.source++;
        if (checked.definition) stats.sourceValid++;
        stats.slowest = Math.max(stats.slowest, ms);
        stats.checkMs += ms;
        expectWellFormed(checked, s.file);
      }),
      { numRuns: SOURCE_CASES, ...(seed === undefined ? {} : { seed }) },
    );
    expect(stats.source).toBeGreaterThanOrEqual(SOURCE_CASES);
  });

  it(`${FILE_CASES} times as files with damaged bytes (NUL, invalid UTF-8, a BOM): the file reader answers located problems, never an exception`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sop-fuzz-'));
    dirs.push(dir);
    const damage = fc.record({
      at: position,
      bytes: fc.oneof(
        fc.constantFrom([0x00], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80]),
        fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => [...a]),
      ),
    });
    fc.assert(
      fc.property(mutated, fc.array(damage, { maxLength: 3 }), (c, damages) => {
        let bytes = Buffer.from(c.text, 'utf8');
        for (const d of damages) {
          const at = Math.floor(d.at * (bytes.length + 1));
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(d.bytes), bytes.subarray(at)]);
        }
        const path = join(dir, c.seed.file.slice(5));
        writeFileSync(path, bytes);
        const checked = checkSopFile(path, sopExists);
        stats.file++;
        expectWellFormed(checked, checked.file);
      }),
      { numRuns: FILE_CASES, ...(seed === undefined ? {} : { seed }) },
    );
  });
});
