import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../engine/store/index.js';

describe('canonicalJson', () => {
  it('sorts keys and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: 2, c: [3, 1] })).toBe('{"a":2,"b":1,"c":[3,1]}');
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ x: { z: 1, y: [{ q: 1, p: 2 }] }, w: null })).toBe(canonicalJson({ w: null, x: { y: [{ p: 2, q: 1 }], z: 1 } }));
  });

  it('sorts nested objects recursively, keeps array order', () => {
    expect(canonicalJson({ o: { b: { d: 1, c: 2 }, a: [{ y: 1, x: 2 }, 'z', 'a'] } })).toBe('{"o":{"a":[{"x":2,"y":1},"z","a"],"b":{"c":2,"d":1}}}');
  });

  it('sorts keys by UTF-16 code units and keeps unicode as is', () => {
    // U+00E9 (é) sorts after "z"; an astral character (surrogates D83D…) after U+00E9 but before U+FB01.
    const value = { z: 1, é: 2, '😀': 3, ﬁ: 4, A: 5 };
    expect(canonicalJson(value)).toBe('{"A":5,"z":1,"é":2,"😀":3,"ﬁ":4}');
    expect(canonicalJson('Surat Keterangan — Désa ✓ 😀')).toBe('"Surat Keterangan — Désa ✓ 😀"');
    expect(canonicalJson('tab\there "quoted"\n\u0001')).toBe('"tab\\there \\"quoted\\"\\n\\u0001"');
  });

  it('writes numbers in their JSON.stringify form', () => {
    expect(canonicalJson([1, 1.5, -0, 1e21, 0.1 + 0.2, -7])).toBe('[1,1.5,0,1e+21,0.30000000000000004,-7]');
  });

  it('drops undefined properties and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ n: NaN })).toThrow(/n/);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });

  it('uses toJSON like JSON.stringify', () => {
    expect(canonicalJson({ at: new Date('2024-05-01T00:00:00Z') })).toBe('{"at":"2024-05-01T00:00:00.000Z"}');
  });

  it('round-trips through JSON.parse', () => {
    const v = { b: [1, 'dua', { tiga: true, empat: null }], a: 'é' };
    expect(JSON.parse(canonicalJson(v))).toEqual(v);
  });
});
