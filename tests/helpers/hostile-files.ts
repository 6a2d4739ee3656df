/** Hostile SOP files, built on the fly: each must end in a clear problem, never a crash or a hang. */
export interface HostileCase {
  name: string;
  content: string | Buffer;
  /** The code the loader must report for it. */
  code: string | RegExp;
}

function aliasBomb(): string {
  let s = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const names = 'bcdefghij';
  for (let i = 0; i < names.length; i++) {
    const prev = i === 0 ? 'a' : names[i - 1]!;
    s += `${names[i]}: &${names[i]} [${Array(9)
      .fill('*' + prev)
      .join(',')}]\n`;
  }
  return s;
}

function manyBadReferences(n: number): string {
  const steps = Array.from({ length: n }, (_, i) => `  - { id: s${i}, number: ${i}, activity: x, actor: a, next: nowhere${i} }\n`).join('');
  return `id: many-bad-references\nrevision: 1\nidentity: {agency: a, unit: u, number: n, name: n, createdOn: 2025-01-01, effectiveOn: 2025-01-01}\nactors: [{id: a, name: A}]\nsteps:\n${steps}ends: [{id: selesai, outcome: selesai}]\n`;
}

export function hostileCases(): HostileCase[] {
  return [
    { name: 'empty', content: '', code: 'yaml.empty' },
    { name: 'comment-only', content: '# nothing here\n', code: 'yaml.empty' },
    { name: 'binary', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]), code: 'file.binary' },
    { name: 'invalid-utf8', content: Buffer.concat([Buffer.from('id: caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), code: 'file.encoding' },
    { name: 'syntax', content: 'id: [unclosed\nrevision: 1\n', code: 'yaml.syntax' },
    { name: 'two-documents', content: 'id: a\n---\nid: b\n', code: 'yaml.multiple-documents' },
    { name: 'duplicate-keys', content: 'id: a\nrevision: 1\nid: b\n', code: 'yaml.duplicate-key' },
    { name: 'alias-bomb', content: aliasBomb(), code: 'yaml.alias' },
    { name: 'self-alias', content: 'a: &a [*a]\n', code: 'yaml.alias' },
    { name: 'custom-tag', content: 'id: !shell rm -rf /\n', code: 'yaml.tag' },
    { name: 'binary-tag', content: 'id: !!binary aGVsbG8=\n', code: 'yaml.tag' },
    { name: 'yaml-1.1', content: '%YAML 1.1\n---\nid: x\nflag: no\n', code: 'yaml.directive' },
    { name: 'proto-key', content: '__proto__:\n  polluted: true\n', code: 'yaml.forbidden-key' },
    { name: 'deep-flow', content: '['.repeat(10_000) + ']'.repeat(10_000) + '\n', code: /^yaml\.(too-deep|syntax)$/ },
    // Compact nested block sequences: 10,000 levels in 20 KB, under the size cap.
    { name: 'deep-block', content: '- '.repeat(10_000) + 'x\n', code: /^yaml\.(too-deep|syntax)$/ },
    { name: 'deep-indent', content: Array.from({ length: 700 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n', code: /^(yaml\.(too-deep|syntax)|schema\.[a-z-]+)$/ },
    { name: 'huge', content: 'id: x\nlegalBasis:\n' + '  - Undang-Undang Nomor 1 Tahun 2000 Tentang Sesuatu yang panjang sekali\n'.repeat(80_000), code: 'file.too-large' },
    { name: 'scalar', content: 'just a string\n', code: 'schema.type' },
    // Thousands of unknown references, each a candidate for "did you mean": once took 100 s.
    { name: 'many-bad-references', content: manyBadReferences(3_000), code: 'ref.unknown-target' },
  ];
}
