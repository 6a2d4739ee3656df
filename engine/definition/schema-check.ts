/**
 * Runs the precompiled JSON Schema validator and turns its errors into
 * problems that point at the offending YAML node (a missing property at its
 * parent, an unknown property at its key).
 */
import validateSchema, { schemaJson } from './generated/sop-validator.js';
import type { SchemaError } from './generated/sop-validator.js';
import type { Problem } from '../errors.js';
import type { ParsedYaml, PathSegment } from './parse-yaml.js';
import { formatPath } from './path.js';
import { suggester } from './suggest.js';

export function checkSchema(file: string, parsed: ParsedYaml): Problem[] {
  if (validateSchema(parsed.value)) return [];
  const errors = validateSchema.errors ?? [];
  // anyOf reports each failed branch too; one message for the node is enough.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const closest = suggester();
  for (const e of errors) {
    if (anyOfPaths.has(e.instancePath) && e.keyword !== 'anyOf') continue;
    const path = pointerToPath(e.instancePath);
    const { code, message, keyPath, atKey } = describe(e, path, parsed.value, closest);
    const { line, col } = parsed.locate(keyPath, atKey);
    const key = `${line}:${col}:${code}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line, col, code, severity: 'error', message, path: formatPath(keyPath) });
  }
  return problems;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

interface Described {
  code: string;
  message: string;
  keyPath: PathSegment[];
  atKey: boolean;
}

function describe(e: SchemaError, path: PathSegment[], root: unknown, closest: (w: string, c: string[]) => string | undefined): Described {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return {
        code: 'schema.required',
        message: `missing required property "${String(p.missingProperty)}"`,
        keyPath: path,
        atKey: false,
      };
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = allowedKeys(path);
      const guess = closest(name, allowed);
      const hint = guess ? `; did you mean "${guess}"?` : allowed.length ? `; allowed here: ${allowed.join(', ')}` : '';
      return { code: 'schema.unknown-property', message: `unknown property "${name}"${hint}`, keyPath: [...path, name], atKey: true };
    }
    case 'type':
      return { code: 'schema.type', message: `must be ${typeName(String(p.type))}, not ${kindOf(valueAt(root, path))}`, keyPath: path, atKey: false };
    case 'pattern':
      return { code: 'schema.pattern', message: patternMessage(e.schemaPath, valueAt(root, path)), keyPath: path, atKey: false };
    case 'enum':
      return {
        code: 'schema.enum',
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        keyPath: path,
        atKey: false,
      };
    case 'anyOf':
      return { code: 'schema.type', message: anyOfMessage(e.schemaPath), keyPath: path, atKey: false };
    case 'minItems':
      return { code: 'schema.min-items', message: `needs at least ${String(p.limit)} item(s)`, keyPath: path, atKey: false };
    case 'minLength':
      return { code: 'schema.empty', message: 'must not be empty', keyPath: path, atKey: false };
    case 'maxLength':
      return { code: 'schema.too-long', message: `must be at most ${String(p.limit)} characters`, keyPath: path, atKey: false };
    case 'minimum':
      return { code: 'schema.minimum', message: `must be ${String(p.limit)} or more`, keyPath: path, atKey: false };
    case 'minProperties':
      return { code: 'schema.empty', message: 'must not be empty', keyPath: path, atKey: false };
    default:
      return { code: `schema.${e.keyword}`, message: e.message ?? 'is not valid', keyPath: path, atKey: false };
  }
}

function patternMessage(schemaPath: string, value: unknown): string {
  const shown = JSON.stringify(value);
  if (schemaPath.includes('/date/')) return `${shown} is not a date; write YYYY-MM-DD, e.g. 2025-08-04`;
  return `${shown} is not a valid id; use lowercase letters, digits and single hyphens, e.g. "kepala-bidang-persandian"`;
}

function anyOfMessage(schemaPath: string): string {
  if (schemaPath.includes('revisedOn')) return 'must be a date YYYY-MM-DD, or null when the document prints "-"';
  return 'does not match any allowed form';
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    string: 'text',
    'string,integer': 'a number or text',
    integer: 'a whole number',
    array: 'a list',
    object: 'a mapping (key: value)',
    boolean: 'true or false',
    null: 'null',
  };
  return names[t] ?? t;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  return typeof v;
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/**
 * The property names the schema allows at an instance path. ajv's schemaPath
 * is relative to the referenced subschema, so walk the schema from the root
 * along the data's path instead, following local $refs.
 */
function allowedKeys(path: PathSegment[]): string[] {
  type SchemaNode = { $ref?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode };
  const root = schemaJson as SchemaNode;
  const deref = (n: SchemaNode | undefined): SchemaNode | undefined => {
    let node = n;
    for (let guard = 0; node?.$ref && guard < 10; guard++) {
      node = node.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], root) as SchemaNode | undefined;
    }
    return node;
  };
  let node = deref(root);
  for (const seg of path) node = deref(typeof seg === 'number' ? node?.items : node?.properties?.[seg]);
  return node?.properties ? Object.keys(node.properties) : [];
}
