/**
 * Hostile SOP files: whatever lands in sops/, checking it must end in a clear
 * problem with a stable code, never in an exception, a hang or a blown stack.
 * Each file is written into a fresh temporary folder and checked from disk.
 * How long each check takes is measured by the benchmark (npm run bench,
 * 6a: the slowest of these files against a valid SOP of the largest size).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSopFile, MAX_SOP_FILE_BYTES } from '../../engine/definition/load.js';
import type { CheckedFile } from '../../engine/definition/load.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes `content` as <name>.yaml in a fresh temporary folder and checks it. */
function check(name: string, content: string | Buffer): { checked: CheckedFile } {
  const dir = mkdtempSync(join(tmpdir(), 'sop-hostile-'));
  dirs.push(dir);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, content);
  return { checked: checkSopFile(file) };
}

/** Bytes 1..255 from a fixed seed: no NUL, and (with 0xff in it) never valid UTF-8. */
function randomBytesWithoutNul(n: number): Buffer {
  let seed = 42;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 1 + (seed % 255);
  }
  out[n >> 1] = 0xff;
  return out;
}

/** The billion laughs: ten levels of nine aliases each, 9^10 strings if expanded. */
function aliasBomb(): string {
  const names = 'abcdefghij';
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < names.length; i++) {
    s += `${names[i]}: &${names[i]} [${Array(9)
      .fill(`*${names[i - 1]}`)
      .join(',')}]\n`;
  }
  return s;
}

const DEPTH = 10_000;
/** Block mappings nested `depth` deep, one more space of indentation per level: depth²/2 bytes. */
const blockMappings = (depth: number) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';

/** `n` keys in the mapping under `identity.name`: one schema error for the mapping, none per key. */
const manyKeys = (n: number, key: (i: number) => string) => 'identity:\n  name:\n' + Array.from({ length: n }, (_, i) => `    ${key(i)}: 1\n`).join('');

interface Case {
  name: string;
  content: () => string | Buffer;
  code: string | RegExp;
  /** Where the problem must be reported, when the file has a place for it. */
  at?: { line: number; col?: number };
}

const cases: Case[] = [
  { name: 'empty', content: () => '', code: 'yaml.empty' },
  { name: 'only-a-comment', content: () => '# yaml-language-server: $schema=../schemas/sop.schema.json\n# nothing else\n', code: 'yaml.empty' },
  { name: 'binary-with-nul', content: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef]), code: 'file.binary' },
  { name: 'invalid-utf8', content: () => randomBytesWithoutNul(4096), code: 'file.encoding' },
  { name: 'latin1-text', content: () => Buffer.from('id: caf\xe9\n', 'latin1'), code: 'file.encoding' },
  { name: 'syntax-error', content: () => 'id: syntax-error\nrevision: 1\nactors: [pemohon\nsteps: []\n', code: 'yaml.syntax' },
  { name: 'two-documents', content: () => 'id: two-documents\nrevision: 1\n---\nid: other\n', code: 'yaml.multiple-documents', at: { line: 3, col: 1 } },
  { name: 'duplicate-key', content: () => 'id: duplicate-key\nrevision: 1\nidentity: {}\n  \nrevision: 2\n', code: 'yaml.duplicate-key', at: { line: 5, col: 1 } },
  { name: 'duplicate-nested-key', content: () => 'identity:\n  name: a\n  name: b\n', code: 'yaml.duplicate-key', at: { line: 3, col: 3 } },
  { name: 'alias-bomb', content: aliasBomb, code: 'yaml.alias' },
  { name: 'self-alias', content: () => 'a: &a [*a]\n', code: 'yaml.alias' },
  { name: 'plain-alias', content: () => 'id: &x plain-alias\nname: *x\n', code: 'yaml.alias', at: { line: 2, col: 7 } },
  { name: 'merge-key', content: () => 'base: &b { a: 1 }\nid:\n  <<: *b\n', code: 'yaml.alias' },
  { name: 'custom-tag', content: () => 'id: !foo rm -rf /\n', code: 'yaml.tag', at: { line: 1, col: 5 } },
  { name: 'binary-tag', content: () => 'id: !!binary aGVsbG8=\n', code: 'yaml.tag', at: { line: 1 } },
  { name: 'js-function-tag', content: () => 'id: !!js/function "function () { return 1 }"\n', code: 'yaml.tag' },
  { name: 'yaml-1.1-directive', content: () => '%YAML 1.1\n---\nid: yaml-1-1-directive\nflag: no\n', code: 'yaml.directive' },
  { name: 'proto-key', content: () => '__proto__:\n  polluted: true\n', code: 'yaml.forbidden-key', at: { line: 1, col: 1 } },
  { name: 'nested-proto-key', content: () => 'identity:\n  __proto__: { polluted: true }\n', code: 'yaml.forbidden-key', at: { line: 2, col: 3 } },
  { name: 'deep-flow-sequences', content: () => '['.repeat(DEPTH) + ']'.repeat(DEPTH) + '\n', code: /^yaml\.(too-deep|syntax)$/ },
  { name: 'deep-flow-mappings', content: () => '{a: '.repeat(DEPTH) + '1' + '}'.repeat(DEPTH) + '\n', code: /^yaml\.(too-deep|syntax)$/ },
  { name: 'deep-block-sequences', content: () => '- '.repeat(DEPTH) + '1\n', code: /^yaml\.(too-deep|syntax)$/ },
  // 10,000 levels of indented mappings take 50 MB of spaces: the size limit stops them first.
  { name: 'deep-block-mappings', content: () => blockMappings(DEPTH), code: /^(yaml\.(too-deep|syntax)|file\.too-large)$/ },
  // The deepest indented mappings that fit under the size limit still reach the parser, which reads
  // all 700 levels (its own limit lies deeper): they are no SOP.
  { name: 'deep-block-mappings-under-the-limit', content: () => blockMappings(700), code: /^(yaml\.(too-deep|syntax)|schema\.[a-z-]+)$/ },
  { name: 'five-megabytes', content: () => 'id: five-megabytes\nlegalBasis:\n' + '  - Undang-Undang Nomor 1 Tahun 2000\n'.repeat(150_000), code: 'file.too-large' },
  { name: 'just-over-the-limit', content: () => '#'.repeat(MAX_SOP_FILE_BYTES) + '\n', code: 'file.too-large' },
  // Thousands of keys in one mapping: no step may compare every key with every other.
  { name: 'fifteen-thousand-keys', content: () => manyKeys(15_000, (i) => `k${i}`), code: /^schema\./ },
  { name: 'fifteen-thousand-duplicate-keys', content: () => manyKeys(15_000, () => 'k'), code: 'yaml.duplicate-key', at: { line: 4, col: 5 } },
  { name: 'top-level-scalar', content: () => 'just a sentence\n', code: 'schema.type', at: { line: 1, col: 1 } },
  { name: 'top-level-list', content: () => '- id: a\n- id: b\n', code: 'schema.type', at: { line: 1, col: 1 } },
  { name: 'top-level-null', content: () => '~\n', code: /^(yaml\.empty|schema\.type)$/ },
];

describe('hostile files end in a problem, never in a crash or a hang', () => {
  it.each(cases)('Given $name, When checked, Then it is reported as $code', ({ name, content, code, at }) => {
    const body = content();
    let result: { checked: CheckedFile } | undefined;
    expect(() => {
      result = check(name, body);
    }).not.toThrow();
    const { checked } = result!;

    expect(checked.definition).toBeUndefined();
    const errors = checked.problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.code).toMatch(typeof code === 'string' ? new RegExp(`^${code.replace('.', '\\.')}$`) : code);
    for (const p of errors) expect(p.message.length).toBeGreaterThan(0);
    if (at) {
      expect(errors[0]!.line).toBe(at.line);
      if (at.col !== undefined) expect(errors[0]!.col).toBe(at.col);
    }
  });

  it('Given a syntax error, Then it is located on a line of the file', () => {
    const { checked } = check('syntax-line', 'id: syntax-line\nrevision: 1\nactors: [pemohon\nsteps: []\n');
    const error = checked.problems.find((p) => p.code === 'yaml.syntax');
    expect(error).toBeDefined();
    expect(error!.line).toBeGreaterThanOrEqual(3);
    expect(error!.line).toBeLessThanOrEqual(5);
    expect(error!.col).toBeGreaterThan(0);
  });

  it.each([
    ['an alias bomb', aliasBomb()],
    ['thousands of repeated keys', manyKeys(15_000, () => 'k')],
  ])('Given %s, Then the problems stay few, not one per occurrence', (_what, content) => {
    const { checked } = check('few-problems', content);
    expect(checked.problems.length).toBeGreaterThan(0);
    expect(checked.problems.length).toBeLessThanOrEqual(20);
  });

  it('Given a file too large to be an SOP, Then the problem concerns the whole file (line 0) and gives the limit', () => {
    const { checked } = check('too-large', 'x'.repeat(5 * 1024 * 1024));
    expect(checked.problems).toHaveLength(1);
    expect(checked.problems[0]).toMatchObject({ code: 'file.too-large', line: 0, col: 0 });
    expect(checked.problems[0]!.message).toMatch(/256 KiB/);
  });

  it('Given a __proto__ key, Then nothing is polluted', () => {
    check('pollution', '__proto__:\n  polluted: true\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
