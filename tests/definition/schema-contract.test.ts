/**
 * The published schemas are contracts: schemas/sop.schema.json for SOP files
 * and schemas/calendar.schema.json for the office calendar. Each is JSON
 * Schema 2020-12 with a stable `$id`, every property has a description and
 * every object refuses unknown properties. The calendar schema says no less
 * than the checker about a file's shape: what the checker refuses for its
 * shape, the schema refuses too (an editor flags it as it is typed).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { ROOT, SOPS } from '../helpers/cli.js';
import { SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { checkCalendarSource } from '../../engine/calendar/load-calendar.js';

type Node = Record<string, unknown>;
const read = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as Node;
const schema = read('sop.schema.json');
const calendarSchema = read('calendar.schema.json');

/** Every schema object in the document, with its JSON pointer. */
function walk(node: unknown, at: string, visit: (n: Node, at: string) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) walk(n, `${at}/${i}`, visit);
    return;
  }
  visit(node as Node, at);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'enum' || k === 'required') continue;
    if (k === 'properties') for (const [p, s] of Object.entries(v as Node)) walk(s, `${at}/properties/${p}`, visit);
    else walk(v, `${at}/${k}`, visit);
  }
}

/** Whether a schema node says it is an object (`type: object` or a list of types with it). */
const isObjectType = (n: Node) => n.type === 'object' || (Array.isArray(n.type) && n.type.includes('object'));

describe.each([
  ['sop.schema.json', schema, 'urn:sop:schemas:sop:1'],
  ['calendar.schema.json', calendarSchema, 'urn:sop:schemas:calendar:1'],
])('the published schema %s', (_, doc, id) => {
  it('is JSON Schema 2020-12, with its stable $id', () => {
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.$id).toBe(id);
  });

  it('describes every property', () => {
    const undescribed: string[] = [];
    let properties = 0;
    walk(doc, '#', (n, at) => {
      for (const [name, prop] of Object.entries((n.properties as Node) ?? {})) {
        properties++;
        if (typeof (prop as Node).description !== 'string') undescribed.push(`${at}/properties/${name}`);
      }
    });
    expect(properties).toBeGreaterThan(0);
    expect(undescribed).toEqual([]);
  });

  it('refuses unknown properties on every object', () => {
    const open: string[] = [];
    let objects = 0;
    walk(doc, '#', (n, at) => {
      if (!isObjectType(n)) return;
      objects++;
      if (n.additionalProperties !== false) open.push(at);
    });
    expect(objects).toBeGreaterThan(0);
    expect(open).toEqual([]);
  });

  it('compiles in strict mode', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    expect(() => ajv.compile(doc)).not.toThrow();
  });
});

describe('the SOP files', () => {
  it('reference the schema on their first line', () => {
    const files = readdirSync(SOPS).filter((f) => f.endsWith('.yaml') && f !== 'calendar.yaml');
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(readFileSync(join(SOPS, f), 'utf8').split('\n')[0], f).toBe(SCHEMA_COMMENT);
  });
});

describe('the calendar schema and the calendar checker agree', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(calendarSchema);
  /** The YAML as an editor's language server hands it to the schema: YAML 1.2, core schema. */
  const data = (source: string): unknown => parse(source, { version: '1.2', schema: 'core' });

  it('Given the seed calendar (sops/calendar.yaml), Then the checker and the schema accept it', () => {
    const source = readFileSync(join(SOPS, 'calendar.yaml'), 'utf8');
    expect(checkCalendarSource('calendar.yaml', source).problems).toEqual([]);
    const ok = validate(data(source));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  const base = 'timeZone: Asia/Makassar\nworkingHours:\n  monday: ["08:00-16:00"]\n';
  it.each([
    ['an unknown root property', `${base}catatan: kantor pusat\n`, 'calendar.unknown-property', 'additionalProperties'],
    ['an unknown weekday', 'timeZone: Asia/Makassar\nworkingHours:\n  senin: ["08:00-16:00"]\n  tuesday: ["08:00-16:00"]\n', 'calendar.unknown-property', 'additionalProperties'],
    ['an unknown holiday property', `${base}holidays:\n  - { date: 2026-12-25, name: Natal, nama: Natal }\n`, 'calendar.unknown-property', 'additionalProperties'],
    ['a number for the hours of a day', 'timeZone: Asia/Makassar\nworkingHours:\n  monday: 8\n', 'calendar.type', 'type'],
    ['a number for a working interval', 'timeZone: Asia/Makassar\nworkingHours:\n  monday: [800]\n', 'calendar.type', 'type'],
    ['a holiday without a date', `${base}holidays:\n  - name: Natal\n`, 'calendar.required', 'required'],
    ['a holiday without a name', `${base}holidays:\n  - date: 2026-12-25\n`, 'calendar.required', 'required'],
    ['a date as a number', `${base}holidays:\n  - { date: 20261225, name: Natal }\n`, 'calendar.holiday', 'type'],
    ['no workingHours', 'timeZone: Asia/Makassar\n', 'calendar.required', 'required'],
    ['the root a list', '- 08:00-16:00\n', 'calendar.type', 'type'],
  ])('Given %s, Then the checker refuses it for its shape and so does the schema', (_, source, code, keyword) => {
    const checked = checkCalendarSource('calendar.yaml', source);
    expect(checked.calendar).toBeUndefined();
    expect(checked.problems.map((p) => p.code)).toContain(code);
    expect(validate(data(source))).toBe(false);
    expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
  });
});
