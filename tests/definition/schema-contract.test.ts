/**
 * schemas/sop.schema.json is the published contract: every property has a
 * description and every object refuses unknown properties.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SOPS } from '../helpers/cli.js';
import { SCHEMA_COMMENT } from '../../dist/engine/index.js';

type Node = Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'sop.schema.json'), 'utf8')) as Node;

/** Every schema object in the document, with its JSON pointer. */
function walk(node: unknown, at: string, visit: (n: Node, at: string) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`, visit));
  visit(node as Node, at);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'enum' || k === 'required') continue;
    if (k === 'properties') for (const [p, s] of Object.entries(v as Node)) walk(s, `${at}/properties/${p}`, visit);
    else walk(v, `${at}/${k}`, visit);
  }
}

describe('the published schema', () => {
  it('is JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property', () => {
    const undescribed: string[] = [];
    walk(schema, '#', (n, at) => {
      for (const [name, prop] of Object.entries((n.properties as Node) ?? {})) {
        if (typeof (prop as Node).description !== 'string') undescribed.push(`${at}/properties/${name}`);
      }
    });
    expect(undescribed).toEqual([]);
  });

  it('refuses unknown properties on every object', () => {
    const open: string[] = [];
    walk(schema, '#', (n, at) => {
      if (n.type === 'object' && n.additionalProperties !== false) open.push(at);
    });
    expect(open).toEqual([]);
  });

  it('is referenced by the first line of every SOP file', () => {
    const files = readdirSync(SOPS).filter((f) => f.endsWith('.yaml') && f !== 'calendar.yaml');
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(readFileSync(join(SOPS, f), 'utf8').split('\n')[0], f).toBe(SCHEMA_COMMENT);
  });
});
