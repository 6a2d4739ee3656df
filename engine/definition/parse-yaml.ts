/**
 * Reads YAML defensively: SOP files come from people, and a bad file must end
 * in a clear problem with a line and column, never in a stack trace or a hang.
 * The core schema without merge keys, no aliases, no explicit tags, no
 * directives but `%YAML 1.2`, one document, and every warning is an error.
 */
import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import type { Problem } from '../errors.js';

export type PathSegment = string | number;

export interface ParsedYaml {
  /** The plain data, or undefined when the file has problems that make it unusable. */
  value: unknown;
  problems: Problem[];
  /** Line and column of the node at `path`; of its key when `key` is set; nearest existing ancestor otherwise. */
  locate: (path: PathSegment[], key?: boolean) => { line: number; col: number };
}

/** Beyond this many YAML errors the rest are noise from the first ones. */
const MAX_YAML_ERRORS = 20;

/**
 * The yaml package, loaded on the first parse: it is some 70 files, which a
 * command that reads no YAML (an operator's `sop status`) must not pay for.
 * require() keeps the parse synchronous; the package ships CommonJS.
 */
let yamlLibrary: typeof YamlLibrary | undefined;
function yaml(): typeof YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary;
  return yamlLibrary;
}

export function parseYaml(file: string, source: string): ParsedYaml {
  const { parseAllDocuments, LineCounter, isAlias, isMap, isPair, isScalar, isCollection, visit } = yaml();
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problem = (code: string, offset: number, message: string, path = ''): void => {
    problems.push({ file, ...at(offset), code, severity: 'error', message, path });
  };
  const failed = (): ParsedYaml => ({ value: undefined, problems, locate: () => ({ line: 1, col: 1 }) });

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(source, {
      schema: 'core',
      merge: false,
      // The library compares every key with every earlier one (30,000 keys: 10 s); duplicates are found below, in one pass.
      uniqueKeys: false,
      version: '1.2',
      strict: true,
      prettyErrors: false,
      lineCounter,
    }) as Document.Parsed[];
  } catch (e) {
    problem('yaml.syntax', 0, `the YAML parser gave up: ${(e as Error).message}`);
    return failed();
  }

  if (docs.length === 0 || docs[0]!.contents === null) {
    problem('yaml.empty', 0, 'the file holds no YAML document; start from `sop new <id>` or an existing SOP in sops/');
    return failed();
  }
  if (docs.length > 1) {
    const second = docs[1]!.range?.[0] ?? 0;
    problem('yaml.multiple-documents', second, 'one SOP per file: remove the second document (after `---`) or move it to a file of its own');
  }
  const doc = docs[0]!;

  const seen = new Set<string>();
  for (const err of [...doc.errors, ...doc.warnings]) {
    if (problems.length >= MAX_YAML_ERRORS) break;
    const code = yamlCode(err.code);
    // Deep nesting yields one error per level; one is enough.
    if (code === 'yaml.too-deep' && seen.has(code)) continue;
    seen.add(code);
    const message = code === 'yaml.too-deep' ? 'nesting is too deep to read; an SOP needs only a few levels' : err.message.split('\n')[0]!;
    problem(code, err.pos[0], message);
  }
  if (problems.length > 0) return failed();

  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    problem('yaml.directive', 0, `%YAML ${doc.directives.yaml.version} is not supported (it reads "no" as false and enables merge keys); remove the directive`);
  }

  // An alias bomb has thousands of aliases: report each name once, at its first use.
  const aliasUses = new Map<string, { offset: number; count: number }>();
  let duplicates = 0;
  visit(doc, {
    Alias(_key, node) {
      const use = aliasUses.get(node.source);
      if (use) use.count++;
      else aliasUses.set(node.source, { offset: node.range?.[0] ?? 0, count: 1 });
    },
    Node(_key, node) {
      if (isMap(node)) {
        const keys = new Set<unknown>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          if (keys.has(pair.key.value) && duplicates++ < MAX_YAML_ERRORS) {
            problem('yaml.duplicate-key', pair.key.range?.[0] ?? 0, `the key "${String(pair.key.value)}" is repeated in this mapping; keep one`);
          }
          keys.add(pair.key.value);
        }
      }
      if (node.tag && !isAlias(node)) {
        problem('yaml.tag', node.range?.[0] ?? 0, `explicit tags (${node.tag}) are not allowed in SOP files; remove the tag`);
      }
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') {
        problem('yaml.forbidden-key', pair.key.range?.[0] ?? 0, 'the key "__proto__" is not allowed');
      }
    },
  });
  for (const [name, use] of aliasUses) {
    const times = use.count > 1 ? ` (used ${use.count} times)` : '';
    problem('yaml.alias', use.offset, `aliases (*${name}) are not allowed in SOP files${times}; write the value out`);
  }
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  if (problems.length > 0) return failed();

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    problem('yaml.syntax', 0, `cannot convert the document: ${(e as Error).message}`);
    return failed();
  }

  // Pairs by key, built on first use: a file with thousands of problems must not search a mapping for each.
  const pairIndex = new WeakMap<object, Map<unknown, Pair>>();
  const pairOf = (map: YAMLMap, key: PathSegment): Pair | undefined => {
    let index = pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(p.key.value)) index.set(p.key.value, p);
      pairIndex.set(map, index);
    }
    return index.get(key);
  };

  const locate = (path: PathSegment[], key = false): { line: number; col: number } => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (!isCollection(node)) break;
      const isLast = i === path.length - 1;
      if (isMap(node)) {
        const pair = pairOf(node, seg);
        if (!pair) break;
        if (isLast && key) {
          offset = (pair.key as Node).range?.[0] ?? offset;
          break;
        }
        node = pair.value;
      } else {
        node = node.items[seg as number];
      }
      const range = (node as Node | null)?.range;
      if (!range) break;
      offset = range[0];
    }
    return at(offset);
  };

  return { value, problems, locate };
}

function yamlCode(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'yaml.duplicate-key';
    case 'RESOURCE_EXHAUSTION':
      return 'yaml.too-deep';
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_TAG':
      return 'yaml.tag';
    case 'BAD_DIRECTIVE':
      return 'yaml.directive';
    case 'BAD_ALIAS':
      return 'yaml.alias';
    default:
      return 'yaml.syntax';
  }
}
