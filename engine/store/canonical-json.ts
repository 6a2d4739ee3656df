/**
 * Canonical JSON (RFC 8785 style): the one byte-exact form of a value, so
 * that equal values hash equally. Definitions are addressed by the hash of
 * this form, and the later hash chain over the log hashes these bytes.
 *
 * - object keys sorted recursively by UTF-16 code units (JS default sort,
 *   which is what RFC 8785 prescribes);
 * - strings and numbers as JSON.stringify writes them (ES number form,
 *   `-0` becomes `0`);
 * - no whitespace;
 * - properties whose value is `undefined` are left out, like JSON.stringify;
 *   anything JSON cannot represent faithfully (NaN, Infinity, bigint,
 *   functions, symbols, `undefined` in an array or at the top) is an error
 *   rather than a silent `null`, because a lossy record is worse than none.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, '');
  if (out === undefined) throw new TypeError('canonicalJson: undefined has no JSON form');
  return out;
}

function write(value: unknown, path: string): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} at ${path || '(root)'} has no JSON form`);
      return JSON.stringify(value);
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} at ${path || '(root)'} has no JSON form`);
  }
  // Honour toJSON (e.g. Date) as JSON.stringify does.
  const obj = value as { toJSON?: () => unknown };
  if (typeof obj.toJSON === 'function') return write(obj.toJSON(), path);
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      const s = write(item, `${path}[${i}]`);
      if (s === undefined) throw new TypeError(`canonicalJson: undefined at ${path}[${i}] has no JSON form`);
      return s;
    });
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const s = write(record[key], path ? `${path}.${key}` : key);
    if (s !== undefined) parts.push(`${JSON.stringify(key)}:${s}`);
  }
  return `{${parts.join(',')}}`;
}
