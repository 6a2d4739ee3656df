/**
 * The keterkaitan of the other SOPs of a folder, for the related-cycle lint.
 * Each file is read at most once per lookup, and only when the walk reaches
 * it; a file that cannot be read or parsed relates to nothing here (its own
 * check reports why).
 */
import { readFileSync, statSync } from 'node:fs';
import { MAX_SOP_FILE_BYTES, sopFileIn } from './load.js';
import { parseYaml } from './parse-yaml.js';
import type { RelatedLookup } from './lint.js';

/**
 * A memoized lookup of the related SOP ids (`related[].sop`) of the SOPs in
 * `dir`. Give one lookup to every file of one `sop validate` run.
 *
 * @example checkSopFile('sops/a.yaml', undefined, relatedSopsIn('sops'))
 */
export function relatedSopsIn(dir: string): RelatedLookup {
  return relatedSopsOf((id) => readSource(dir, id));
}

/** The same lookup over SOP texts held elsewhere (in memory): `sourceOf(id)` gives the text of SOP `id`, if there is one. */
export function relatedSopsOf(sourceOf: (id: string) => string | null | undefined): RelatedLookup {
  const known = new Map<string, readonly string[] | undefined>();
  return (id) => {
    if (!known.has(id)) {
      const source = sourceOf(id);
      known.set(id, source === undefined ? undefined : source === null ? [] : relatedIds(`${id}.yaml`, source));
    }
    return known.get(id);
  };
}

/** The text of SOP `id` in `dir`: undefined when there is no such file, null when it cannot be read as an SOP file. */
function readSource(dir: string, id: string): string | null | undefined {
  const file = sopFileIn(dir, id);
  if (!file) return undefined;
  try {
    if (statSync(file).size > MAX_SOP_FILE_BYTES) return null;
    const bytes = readFileSync(file);
    if (bytes.length > MAX_SOP_FILE_BYTES || bytes.includes(0)) return null;
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

function relatedIds(file: string, source: string): readonly string[] {
  try {
    const parsed = parseYaml(file, source);
    if (parsed.problems.length > 0) return [];
    const related = (parsed.value as { related?: unknown } | null)?.related;
    if (!Array.isArray(related)) return [];
    return related.map((r: unknown) => (r !== null && typeof r === 'object' ? (r as { sop?: unknown }).sop : undefined)).filter((s): s is string => typeof s === 'string');
  } catch {
    return [];
  }
}
