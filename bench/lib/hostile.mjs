/**
 * Hostile SOP files for the bounds bench (section 6): the inputs of
 * tests/definition/hostile.test.ts and tests/helpers/hostile-files.ts that
 * give the loader work (the tests check what each is reported as; the bench
 * times them), and the worst files of their kind at the size limit. Keep it
 * in step with those two lists.
 */
import { MAX_SOP_FILE_BYTES } from '../../dist/engine/definition/load.js';

const DEPTH = 10_000;
/** Just under the size limit, so that the file reaches the parser. */
const AT_LIMIT = MAX_SOP_FILE_BYTES - 64;

function aliasBomb() {
  const names = 'abcdefghij';
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < names.length; i++)
    s += `${names[i]}: &${names[i]} [${Array(9)
      .fill(`*${names[i - 1]}`)
      .join(',')}]\n`;
  return s;
}

function randomBytesWithoutNul(n) {
  let seed = 42;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 1 + (seed % 255);
  }
  out[n >> 1] = 0xff;
  return out;
}

const blockMappings = (depth) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
const manyKeys = (n, key) => 'identity:\n  name:\n' + Array.from({ length: n }, (_, i) => `    ${key(i)}: 1\n`).join('');

function manyBadReferences(n) {
  const steps = Array.from({ length: n }, (_, i) => `  - { id: s${i}, number: ${i}, activity: x, actor: a, next: nowhere${i} }\n`).join('');
  return `id: many-bad-references\nrevision: 1\nidentity: {agency: a, unit: u, number: n, name: n, createdOn: 2025-01-01, effectiveOn: 2025-01-01}\nactors: [{id: a, name: A}]\nsteps:\n${steps}ends: [{id: selesai, outcome: selesai}]\n`;
}

/** [name, content] of every hostile file timed. */
export function hostileFiles() {
  return [
    ['invalid-utf8', randomBytesWithoutNul(4096)],
    ['alias-bomb', aliasBomb()],
    ['deep-flow-sequences', '['.repeat(DEPTH) + ']'.repeat(DEPTH) + '\n'],
    ['deep-flow-mappings', '{a: '.repeat(DEPTH) + '1' + '}'.repeat(DEPTH) + '\n'],
    ['deep-block-sequences', '- '.repeat(DEPTH) + '1\n'],
    ['deep-block-mappings-under-the-limit', blockMappings(700)],
    ['five-megabytes', 'id: five-megabytes\nlegalBasis:\n' + '  - Undang-Undang Nomor 1 Tahun 2000\n'.repeat(150_000)],
    ['just-over-the-limit', '#'.repeat(MAX_SOP_FILE_BYTES) + '\n'],
    ['fifteen-thousand-keys', manyKeys(15_000, (i) => `k${i}`)],
    ['fifteen-thousand-duplicate-keys', manyKeys(15_000, () => 'k')],
    ['many-bad-references', manyBadReferences(3_000)],
    // The worst known at the limit: unclosed quotes, brackets and braces, all of the file.
    ['quotes-at-the-limit', '"'.repeat(AT_LIMIT)],
    ['brackets-at-the-limit', '['.repeat(AT_LIMIT)],
    ['braces-at-the-limit', '{'.repeat(AT_LIMIT)],
  ];
}
