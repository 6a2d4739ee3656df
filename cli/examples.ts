/**
 * The example SOPs that come with sop (the three seed SOPs of the Dinas
 * Komunikasi dan Informatika, Kabupaten Kutai Kartanegara, and its office
 * calendar), and how an office folder is scaffolded from them: an installed
 * `sop` has no `./sops` of its own, so `sop init --examples` and `sop demo`
 * copy them, with the schemas beside them for editors.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayPath, type SopEngine } from '../engine/index.js';
import { CliError } from './errors.js';

/** The folder of the installed package: the nearest one above this module with sop's package.json (source, dist or bundle alike). */
export function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sop') return dir;
    if (dirname(dir) === dir) throw new Error('cannot find the sop package around ' + fileURLToPath(import.meta.url));
  }
}

/** Whether `dir` holds SOP files (any YAML file) already; a path that is not a folder cannot take the examples. */
export function holdsSopFiles(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) {
    throw new CliError('file.unwritable', `${displayPath(dir)} is not a folder; the example SOPs are copied into a folder`, {
      hint: 'point --sops (or SOP_DIR) at a new folder',
    });
  }
  return readdirSync(dir).some((f) => /\.ya?ml$/.test(f));
}

/** Refuses a folder that holds SOP files already: a scaffold never writes over an office's own. */
export function assertScaffoldable(dir: string): void {
  if (holdsSopFiles(dir)) {
    throw new CliError('file.exists', `${displayPath(dir)} holds SOP files already; the examples are copied only into a new or empty folder`, {
      hint: 'point --sops (or SOP_DIR) at a new folder, or leave out --examples',
    });
  }
}

/**
 * Copies the packaged example SOPs and calendar into `dir` (created if
 * needed), with sop.schema.json and calendar.schema.json beside them and
 * each file's schema modeline pointing at its copy. Refuses a folder that
 * holds SOP files already. Returns the files written.
 */
export async function scaffoldSops(dir: string, engine: SopEngine): Promise<string[]> {
  assertScaffoldable(dir);
  const from = join(packageRoot(), 'sops');
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of readdirSync(from)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(join(from, name), 'utf8');
    const schema = name === 'calendar.yaml' ? 'calendar.schema.json' : 'sop.schema.json';
    const modeline = `# yaml-language-server: $schema=${schema}`;
    const body = text.startsWith('# yaml-language-server:') ? text.slice(text.indexOf('\n') + 1) : text;
    writeFileSync(join(dir, name), `${modeline}\n${body}`, { flag: 'wx' });
    written.push(join(dir, name));
  }
  for (const kind of ['sop', 'calendar'] as const) {
    const file = join(dir, `${kind}.schema.json`);
    writeFileSync(file, `${JSON.stringify(await engine.definitions.schema(kind), null, 2)}\n`, { flag: 'wx' });
    written.push(file);
  }
  return written;
}
