/**
 * Lint: findings about a valid SOP that a maintainer should look at, but that
 * do not stop it from running. Each is a warning with a stable code, located
 * at its node like every other problem; `sop validate --strict` fails on them.
 * The rules are defined in README ("Lint warnings").
 */
import type { Problem } from '../errors.js';
import type { PathSegment } from './parse-yaml.js';
import type { SopDefinition } from './types.js';
import { formatPath } from './path.js';
import { flowArrows } from './flow-graph.js';

/** The related SOP ids (keterkaitan by `sop:`) of another SOP of the folder; undefined when there is no such SOP. */
export type RelatedLookup = (id: string) => readonly string[] | undefined;

export interface LintContext {
  file: string;
  locate(path: PathSegment[], key?: boolean): { line: number; col: number };
  /** The folder's keterkaitan; without it the cycle rule is not run. */
  relatedOf?: RelatedLookup;
}

/** What the lint needs of the file as written: whether a key was there at all. */
export interface RawStepKeys {
  time?: unknown;
  outputs?: unknown;
}

export function lintSop(def: SopDefinition, rawSteps: readonly RawStepKeys[], ctx: LintContext): Problem[] {
  const problems: Problem[] = [];
  const warn: Warn = (code, path, message, atKey = false) => {
    problems.push({ file: ctx.file, ...ctx.locate(path, atKey), code, severity: 'warning', message, path: formatPath(path) });
  };
  missingMutuBaku(def, rawSteps, warn);
  unusedActors(def, warn);
  decisionExits(def, warn);
  if (ctx.relatedOf) relatedCycles(def, ctx.relatedOf, warn);
  return problems;
}

type Warn = (code: string, path: PathSegment[], message: string, atKey?: boolean) => void;

/**
 * The format prints a Waktu on every row, and an Output on every row that is
 * an activity. A decision's result is its choice, which the history records,
 * so a decision needs no Output. A row whose Output cell the document leaves
 * empty says so with `outputs: []`.
 */
function missingMutuBaku(def: SopDefinition, rawSteps: readonly RawStepKeys[], warn: Warn): void {
  def.steps.forEach((s, i) => {
    const raw = rawSteps[i];
    if (!raw) return;
    if (raw.time === undefined) {
      warn('lint.missing-time', ['steps', i], `step "${s.id}" has no waktu (time standard); the format gives every row one: add time: "10 Menit", "1 Hari" ...`);
    }
    if (s.kind === 'process' && raw.outputs === undefined) {
      warn('lint.missing-output', ['steps', i], `step "${s.id}" has no output; name what it produces (outputs: [{ id, name }]), or write outputs: [] when the document's Output cell is empty`);
    }
  });
}

function unusedActors(def: SopDefinition, warn: Warn): void {
  const used = new Set(def.steps.map((s) => s.actor));
  def.actors.forEach((a, i) => {
    if (!used.has(a.id)) {
      warn('lint.unused-actor', ['actors', i, 'id'], `actor "${a.id}" (${a.name}) performs no step; give it a step, or remove it from actors`);
    }
  });
}

/**
 * A decision whose exits all lead to one place decides nothing. A decision
 * whose every exit closes a loop (goes back to a step already on the way to
 * it, see flowArrows) can never lead on: whatever is chosen, the procedure
 * repeats, and it ends only if another decision on the loop lets it out.
 */
function decisionExits(def: SopDefinition, warn: Warn): void {
  const arrows = flowArrows(def);
  def.steps.forEach((s, i) => {
    if (s.kind !== 'decision') return;
    const targets = new Set(s.exits.map((x) => x.to));
    if (targets.size === 1) {
      warn(
        'lint.same-exits',
        ['steps', i, 'exits'],
        `every exit of decision "${s.id}" leads to "${s.exits[0]!.to}", so the choice changes nothing; correct an exit's \`to\`, or make it a process step with next: ${s.exits[0]!.to}`,
        true,
      );
    }
    const out = arrows.get(s.id) ?? [];
    if (out.length > 0 && out.every((a) => a.loop)) {
      warn(
        'lint.endless-loop',
        ['steps', i, 'exits'],
        `every exit of decision "${s.id}" goes back to an earlier step (${[...targets].join(', ')}), so it can repeat forever and never leads on towards an end; add an exit that leads on`,
        true,
      );
    }
  });
}

/**
 * Keterkaitan by id that lead back to this SOP. Each entry that starts such a
 * cycle is reported once, with the shortest cycle through it. The folder's
 * graph is walked breadth-first, each SOP at most once per entry.
 */
function relatedCycles(def: SopDefinition, relatedOf: RelatedLookup, warn: Warn): void {
  def.related.forEach((r, i) => {
    if (r.sop === undefined) return;
    const cycle = shortestWayBack(def.id, r.sop, relatedOf);
    if (!cycle) return;
    const advice = cycle.length === 1 ? 'an SOP is not related to itself: remove this entry' : 'keep the relation on the SOP that depends on the other, and name it by name only (name: ...) on the other';
    warn('lint.related-cycle', ['related', i, 'sop'], `keterkaitan forms a cycle: ${[def.id, ...cycle].join(' -> ')}; ${advice}`);
  });
}

function shortestWayBack(self: string, first: string, relatedOf: RelatedLookup): string[] | undefined {
  const cameFrom = new Map<string, string | null>([[first, null]]);
  const queue = [first];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    if (id === self) {
      const way: string[] = [];
      for (let at: string | null = id; at !== null; at = cameFrom.get(at) ?? null) way.unshift(at);
      return way;
    }
    for (const next of relatedOf(id) ?? []) {
      if (!cameFrom.has(next)) {
        cameFrom.set(next, id);
        queue.push(next);
      }
    }
  }
  return undefined;
}
