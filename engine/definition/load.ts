/**
 * The I/O edge of the definition layer: reads SOP files from disk, guards
 * against hostile files before parsing, and runs the pure checks.
 */
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { SopError } from '../errors.js';
import type { Problem } from '../errors.js';
import { cut, escapeControls } from '../text.js';
import type { SopDefinition } from './types.js';
import { parseYaml } from './parse-yaml.js';
import { checkSchema } from './schema-check.js';
import { checkSemantics } from './semantic-check.js';
import type { RawSop, SemanticContext } from './semantic-check.js';
import { lintSop } from './lint.js';
import { displayPath } from './display-path.js';
import { sopFileIn } from './sop-files.js';

export { displayPath, sopFileIn };
import type { RelatedLookup } from './lint.js';

/**
 * An SOP is a few kilobytes (the seeds 7 to 10 KiB; 30 steps with notes, some 15); anything near this is
 * not an SOP, and parsing it would only cost time: the worst file of this size (quotes) takes 1 s.
 */
export const MAX_SOP_FILE_BYTES = 256 * 1024;
/** The first line of the SOP files of this repository: editors that read it complete and check the file against the schema. */
export const SCHEMA_COMMENT = '# yaml-language-server: $schema=../schemas/sop.schema.json';
/** A `$schema` modeline, wherever it points: the repository's schemas/, a copy beside the SOPs (sop schema --out), a URL. */
const SCHEMA_MODELINE = /^# yaml-language-server: \$schema=\S+\s*$/;
const EXTENSIONS = new Set(['.yaml', '.yml']);
/** Files of the SOP folder that are not SOPs: the office calendar lives beside them. */
export const RESERVED_FILES = new Set(['calendar.yaml', 'calendar.yml']);

export interface CheckedFile {
  file: string;
  /** Present when the file has no error (it may have warnings). */
  definition?: SopDefinition;
  problems: Problem[];
}

/**
 * Checks SOP text as if it were the file `file`; pure apart from `sopExists`
 * and `relatedOf`. A valid file is also linted (warnings only); the cycle of
 * related SOPs is looked for only when `relatedOf` gives the folder's.
 */
export function checkSopSource(file: string, source: string, sopExists: (id: string) => boolean, relatedOf?: RelatedLookup): CheckedFile {
  const parsed = parseYaml(file, source);
  if (parsed.problems.length > 0) return { file, problems: parsed.problems.map(safeMessage) };
  const schemaProblems = checkSchema(file, parsed);
  const expectedId = basename(file, extname(file));
  const context = { file, expectedId, locate: parsed.locate, sopExists };
  if (schemaProblems.length > 0) {
    return { file, problems: byPosition([...schemaProblems, ...semanticsDespiteSchema(parsed.value, context, schemaProblems)]).map(safeMessage) };
  }
  const { problems, definition } = checkSemantics(parsed.value as RawSop, context);
  if (definition) {
    problems.push(...lintSop(definition, (parsed.value as RawSop).steps, { file, locate: parsed.locate, relatedOf }));
  }
  if (!SCHEMA_MODELINE.test(source.split('\n', 1)[0] ?? '')) {
    problems.push({
      file,
      line: 1,
      col: 1,
      code: 'file.schema-comment',
      severity: 'warning',
      message: `the first line should be a schema modeline such as "${SCHEMA_COMMENT}" (see sop schema) so editors complete and check the file`,
      path: '',
    });
  }
  byPosition(problems);
  return definition ? { file, definition, problems: problems.map(safeMessage) } : { file, problems: problems.map(safeMessage) };
}

/** An id as given on a command line, shown safely: control characters escaped, at most 60 characters. */
function shownId(id: string): string {
  return safeMessage({ file: '', line: 0, col: 0, code: '', severity: 'error', path: '', message: [...id].length > 60 ? `${[...id].slice(0, 60).join('')}…` : id }).message;
}

/** The longest problem message, in characters: the location says where; the message need not quote a 500 KiB line. */
const MAX_MESSAGE = 300;

/**
 * Messages quote what the file says (an id, a label, the parser's view of a
 * line), and the file may be hostile: control characters are shown escaped,
 * so that they cannot drive the terminal, and a long quote is cut.
 */
function safeMessage(p: Problem): Problem {
  const message = cut(escapeControls(p.message), MAX_MESSAGE);
  return message === p.message ? p : { ...p, message };
}

/** Problems in the order of the file, as an editor lists them. */
function byPosition(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * Every problem at once: the semantic rules still run on a file the schema
 * refused, as far as its shape allows. A finding inside a node the schema
 * already flagged would only repeat it, so it is dropped.
 */
function semanticsDespiteSchema(value: unknown, context: SemanticContext, schemaProblems: Problem[]): Problem[] {
  let found: Problem[];
  try {
    found = checkSemantics(value as RawSop, context).problems;
  } catch {
    return [];
  }
  const flagged = new Set(schemaProblems.map((p) => p.path).filter((p) => p !== ''));
  const under = (path: string): boolean => {
    // Walk up the path's ancestors: linear in its depth, not in the number of problems.
    for (let p = path; p; p = p.replace(/(\.[^.[]*|\[\d+\])$/, '')) {
      if (flagged.has(p)) return true;
      if (!/(\.[^.[]*|\[\d+\])$/.test(p)) break;
    }
    return false;
  };
  // A list the schema refused (actors: [], ends: []) would make every reference into it "unknown" too.
  const echoes = (p: Problem): boolean =>
    (flagged.has('actors') && p.code === 'ref.unknown-actor') || ((flagged.has('ends') || flagged.has('steps')) && (p.code === 'ref.unknown-target' || p.code.startsWith('flow.')));
  return found.filter((p) => p.code !== 'file.schema-comment' && !under(p.path) && !echoes(p));
}

/**
 * Reads and checks one SOP file. Never throws for a bad file: its problems are
 * returned. Pass `relatedOf` (see relatedSopsIn) to look for cycles of
 * related SOPs too, as `sop validate` does.
 */
export function checkSopFile(path: string, sopExists?: (id: string) => boolean, relatedOf?: RelatedLookup): CheckedFile {
  const file = displayPath(path);
  const fail = (code: string, message: string): CheckedFile => ({
    file,
    problems: [{ file, line: 0, col: 0, code, severity: 'error', message, path: '' }],
  });
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return fail('file.unreadable', 'is a folder, not an SOP file');
    if (!st.isFile()) return fail('file.unreadable', 'is not a regular file');
    if (st.size > MAX_SOP_FILE_BYTES) {
      return fail('file.too-large', `is ${formatBytes(st.size)}; an SOP file may be at most ${formatBytes(MAX_SOP_FILE_BYTES)}`);
    }
    bytes = readFileSync(path);
  } catch (e) {
    return fail('file.unreadable', `cannot be read: ${describeFsError(e)}`);
  }
  // A file can grow between stat and read.
  if (bytes.length > MAX_SOP_FILE_BYTES) {
    return fail('file.too-large', `is larger than ${formatBytes(MAX_SOP_FILE_BYTES)}, the limit for an SOP file`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return fail('file.binary', `holds binary data (a NUL byte at offset ${nul}); an SOP file is UTF-8 text`);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('file.encoding', `is not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)}); save it as UTF-8`);
  }
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const dir = resolve(path, '..');
  return checkSopSource(file, source, sopExists ?? ((id) => sopFileIn(dir, id) !== undefined), relatedOf);
}

/** Expands files and folders into SOP files (a folder's *.yaml and *.yml, not recursive). */
export function expandSopPaths(paths: string[]): { files: string[]; problems: Problem[] } {
  const files: string[] = [];
  const problems: Problem[] = [];
  for (const p of paths) {
    const fail = (code: string, message: string) => problems.push({ file: displayPath(p), line: 0, col: 0, code, severity: 'error', message, path: '' });
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      fail('file.not-found', `cannot be read: ${describeFsError(e)}`);
      continue;
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(p);
    } catch (e) {
      fail('file.unreadable', `folder cannot be read: ${describeFsError(e)}`);
      continue;
    }
    const found = names.filter((n) => EXTENSIONS.has(extname(n)) && !n.startsWith('.') && !RESERVED_FILES.has(n)).sort();
    if (found.length === 0) fail('file.no-sops', 'folder holds no SOP files (*.yaml)');
    files.push(...found.map((n) => join(p, n)));
  }
  return { files, problems };
}

/** The ids of the SOP files in `dir`, by file name. */
export function sopIdsIn(dir: string): string[] {
  return expandSopPaths([dir]).files.map((f) => basename(f, extname(f)));
}

/**
 * Loads one SOP by id. Throws SopError `sop.not-found` when there is no such
 * file, and `sop.invalid` (with the problems) when the file has errors.
 */
export function loadSop(dir: string, id: string): SopDefinition {
  assertSopDir(dir);
  const file = sopFileIn(dir, id);
  if (!file) {
    const ids = sopIdsIn(dir);
    throw new SopError('sop.not-found', `no SOP "${shownId(id)}" in ${displayPath(dir)}`, { data: { sop: id, source: displayPath(dir), known: ids } });
  }
  const checked = checkSopFile(file);
  if (!checked.definition) {
    throw new SopError('sop.invalid', `${checked.file} is not a valid SOP`, {
      problems: checked.problems,
      data: { sop: id, file: checked.file },
    });
  }
  return checked.definition;
}

/** Refuses a missing or unreadable SOP folder with a message that says how to point at the right one. */
export function assertSopDir(dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
    readdirSync(dir);
  } catch (e) {
    throw new SopError('sops.unreadable', `the SOP folder ${displayPath(dir)} cannot be read: ${describeFsError(e)}`, {
      data: { folder: displayPath(dir), missing: (e as NodeJS.ErrnoException).code === 'ENOENT' },
    });
  }
  if (!ok) {
    throw new SopError('sops.unreadable', `${displayPath(dir)} is not a folder`, { data: { folder: displayPath(dir), missing: false } });
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return code ?? (e as Error).message;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (only called on invalid input). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return i;
}
