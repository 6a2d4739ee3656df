/**
 * The rules the JSON Schema cannot express: unique ids, references that
 * resolve, a flow in which every step is reachable and can reach an end, and
 * time standards that parse. Runs on data the schema has accepted, and
 * returns the normalized definition when no error was found.
 */
import type { Problem, Severity } from '../errors.js';
import type { PathSegment } from './parse-yaml.js';
import type { SopDefinition, Step, Exit, End, Actor, OutputSpec } from './types.js';
import { parseDuration, isDuration } from './duration.js';
import type { Duration } from './duration.js';
import { formatPath } from './path.js';
import { suggester } from './suggest.js';
import { controlCharacterIn } from '../text.js';

/** The file as the schema accepted it. */
export interface RawSop {
  id: string;
  revision: number;
  identity: SopDefinition['identity'];
  legalBasis?: string[];
  qualifications?: string[];
  related?: { sop?: string; name?: string }[];
  equipment?: string[];
  warnings?: string[];
  records?: string[];
  retention?: { minimumYears: number; note?: string };
  actors: { id: string; name: string; kind?: 'role' | 'case'; description?: string }[];
  start?: string;
  steps: RawStep[];
  ends: { id: string; name?: string; outcome: string }[];
}

interface RawStep {
  id: string;
  number: string | number;
  activity: string;
  actor: string;
  requirements?: string[];
  time?: string;
  outputs?: { id: string; name: string; sensitive?: boolean }[];
  notes?: string;
  allowCaseActor?: boolean;
  separateFrom?: string[];
  next?: string;
  exits?: { label: string; id?: string; to: string }[];
}

export interface SemanticContext {
  file: string;
  /** The id the file name implies (`<id>.yaml`). */
  expectedId: string;
  locate(path: PathSegment[], key?: boolean): { line: number; col: number };
  /** Whether an SOP with this id exists in the SOP folder (for keterkaitan). */
  sopExists(id: string): boolean;
}

export function checkSemantics(raw: RawSop, ctx: SemanticContext): { problems: Problem[]; definition?: SopDefinition } {
  const problems: Problem[] = [];
  const closest = suggester();
  const report = (severity: Severity, code: string, path: PathSegment[], message: string, atKey = false) => {
    problems.push({ file: ctx.file, ...ctx.locate(path, atKey), code, severity, message, path: formatPath(path) });
  };
  const error = (code: string, path: PathSegment[], message: string, atKey = false) => report('error', code, path, message, atKey);

  checkText(raw, [], error);

  if (raw.id !== ctx.expectedId) {
    error('id.filename', ['id'], `id "${raw.id}" does not match the file name; rename the file to ${raw.id}.yaml or set id: ${ctx.expectedId}`);
  }

  const actorIds = new Set<string>();
  raw.actors.forEach((a, i) => {
    if (actorIds.has(a.id)) error('id.duplicate', ['actors', i, 'id'], `actor id "${a.id}" is declared twice`);
    actorIds.add(a.id);
  });

  // Steps and ends share one namespace: `next` and exits may lead to either.
  const nodeIds = new Map<string, 'step' | 'end'>();
  raw.steps.forEach((s, i) => {
    if (nodeIds.has(s.id)) error('id.duplicate', ['steps', i, 'id'], `id "${s.id}" is used by another step or end`);
    nodeIds.set(s.id, 'step');
  });
  raw.ends.forEach((e, i) => {
    if (nodeIds.has(e.id)) error('id.duplicate', ['ends', i, 'id'], `id "${e.id}" is used by another step or end`);
    nodeIds.set(e.id, 'end');
  });

  const target = (to: string, path: PathSegment[]): boolean => {
    if (nodeIds.has(to)) return true;
    const guess = closest(to, nodeIds.keys());
    error('ref.unknown-target', path, `no step or end has id "${to}"${guess ? `; did you mean "${guess}"?` : ''}`);
    return false;
  };

  const start = raw.start ?? raw.steps[0]!.id;
  if (raw.start !== undefined && target(raw.start, ['start']) && nodeIds.get(raw.start) !== 'step') {
    error('ref.unknown-target', ['start'], `start must be a step, and "${raw.start}" is an end`);
  }

  const outputIds = new Set<string>();
  const numbers = new Map<string, number>();
  const steps: Step[] = [];
  const edges = new Map<string, string[]>();

  raw.steps.forEach((s, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['steps', i, ...rest];
    if (!actorIds.has(s.actor)) {
      const guess = closest(s.actor, actorIds);
      error('ref.unknown-actor', at('actor'), `actor "${s.actor}" is not declared in actors${guess ? `; did you mean "${guess}"?` : ''}`);
    }

    const number = String(s.number).trim();
    const first = numbers.get(number);
    if (first !== undefined) {
      report('warning', 'step.duplicate-number', at('number'), `step number "${number}" is also printed on step "${raw.steps[first]!.id}"`);
    } else numbers.set(number, i);

    let time: Duration | null = null;
    if (s.time !== undefined) {
      const parsed = parseDuration(s.time);
      if (isDuration(parsed)) time = parsed;
      else error('time.invalid', at('time'), parsed.error);
    }

    const outputs: OutputSpec[] = (s.outputs ?? []).map((o, j) => {
      if (outputIds.has(o.id)) error('id.duplicate', at('outputs', j, 'id'), `output id "${o.id}" is used by another output of this SOP`);
      outputIds.add(o.id);
      return { id: o.id, name: o.name, sensitive: o.sensitive === true };
    });

    const base = {
      id: s.id,
      number,
      activity: s.activity,
      actor: s.actor,
      requirements: s.requirements ?? [],
      time,
      timeText: s.time ?? null,
      outputs,
      notes: s.notes ?? null,
      // Present only when set: a definition without them keeps the hash it always had.
      ...(s.allowCaseActor === true ? { allowCaseActor: true as const } : {}),
      ...(s.separateFrom !== undefined ? { separateFrom: [...s.separateFrom] } : {}),
    };

    if (s.exits !== undefined) {
      if (s.next !== undefined) {
        error('step.next-and-exits', at('next'), 'a decision leads on through its exits; remove `next` or `exits`', true);
      }
      if (s.exits.length < 2) {
        error('decision.too-few-exits', at('exits'), `a decision needs two or more exits, and this one has ${s.exits.length}; make it a process step with \`next\` instead`);
      }
      const exits: Exit[] = [];
      const labels = new Set<string>();
      const exitIds = new Set<string>();
      s.exits.forEach((x, j) => {
        const id = x.id ?? slug(x.label);
        if (!id) {
          error('decision.exit-id', at('exits', j, 'label'), `cannot derive a choice id from label "${x.label}"; add id: <kebab-case>`);
        }
        if (labels.has(x.label.trim().toLowerCase()) || exitIds.has(id)) {
          error('decision.duplicate-exit', at('exits', j), `exit "${x.label}" repeats another exit of this decision; each exit needs its own label and id`);
        }
        labels.add(x.label.trim().toLowerCase());
        exitIds.add(id);
        target(x.to, at('exits', j, 'to'));
        exits.push({ id, label: x.label, to: x.to });
      });
      edges.set(
        s.id,
        exits.map((x) => x.to),
      );
      steps.push({ ...base, kind: 'decision', exits });
    } else {
      const next = s.next ?? raw.steps[i + 1]?.id;
      if (next === undefined) {
        error('step.missing-next', at(), 'the last step must say where it leads: add next: <end id>');
      } else if (s.next !== undefined) {
        target(s.next, at('next'));
      }
      edges.set(s.id, next === undefined ? [] : [next]);
      steps.push({ ...base, kind: 'process', next: next ?? '' });
    }
  });

  // Separation of duties: the steps named must be steps of this SOP, and not the step itself.
  raw.steps.forEach((s, i) => {
    (s.separateFrom ?? []).forEach((other, j) => {
      const path: PathSegment[] = ['steps', i, 'separateFrom', j];
      if (other === s.id) {
        error('step.separate-from-itself', path, `step "${s.id}" cannot be separated from itself; name the other steps whose doer may not complete it`);
      } else if (nodeIds.get(other) !== 'step') {
        const guess = closest(
          other,
          raw.steps.map((x) => x.id),
        );
        const what = nodeIds.get(other) === 'end' ? `"${other}" is an end, not a step` : `no step has id "${other}"`;
        error('ref.unknown-step', path, `${what}${guess ? `; did you mean "${guess}"?` : ''}`);
      }
    });
  });

  (raw.related ?? []).forEach((r, i) => {
    if (r.sop !== undefined && !ctx.sopExists(r.sop)) {
      error('ref.unknown-sop', ['related', i, 'sop'], `no SOP with id "${r.sop}" in the SOP folder; fix the id, or write the related SOP by name only (name: ...)`);
    }
  });

  // Flow checks only make sense once every reference resolves.
  if (!problems.some((p) => p.severity === 'error')) checkFlow(raw, start, edges, error);

  if (problems.some((p) => p.severity === 'error')) return { problems };

  const actors: Actor[] = raw.actors.map((a) => ({
    id: a.id,
    name: a.name,
    kind: a.kind ?? 'role',
    ...(a.description !== undefined ? { description: a.description } : {}),
  }));
  const ends: End[] = raw.ends.map((e) => ({ id: e.id, name: e.name ?? e.outcome, outcome: e.outcome }));
  const definition: SopDefinition = {
    id: raw.id,
    revision: raw.revision,
    identity: { ...raw.identity, revisedOn: raw.identity.revisedOn ?? null },
    legalBasis: raw.legalBasis ?? [],
    qualifications: raw.qualifications ?? [],
    related: (raw.related ?? []).map((r) => ({ ...(r.sop !== undefined ? { sop: r.sop } : {}), name: r.name ?? r.sop! })),
    equipment: raw.equipment ?? [],
    warnings: raw.warnings ?? [],
    records: raw.records ?? [],
    retention: raw.retention ?? null,
    actors,
    start,
    steps,
    ends,
  };
  return { problems, definition };
}

function checkFlow(raw: RawSop, start: string, edges: Map<string, string[]>, error: (code: string, path: PathSegment[], message: string) => void): void {
  const reachable = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const to of edges.get(queue.pop()!) ?? []) {
      if (!reachable.has(to)) {
        reachable.add(to);
        queue.push(to);
      }
    }
  }
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of edges) {
    for (const to of tos) {
      const into = reverse.get(to);
      if (into) into.push(from);
      else reverse.set(to, [from]);
    }
  }
  const reachesEnd = new Set<string>(raw.ends.map((e) => e.id));
  const back = [...reachesEnd];
  while (back.length) {
    for (const from of reverse.get(back.pop()!) ?? []) {
      if (!reachesEnd.has(from)) {
        reachesEnd.add(from);
        back.push(from);
      }
    }
  }
  raw.steps.forEach((s, i) => {
    if (!reachable.has(s.id)) {
      error('flow.unreachable', ['steps', i], `step "${s.id}" cannot be reached from the start step "${start}"; lead a \`next\` or an exit to it, or remove it`);
    } else if (!reachesEnd.has(s.id)) {
      error('flow.no-end', ['steps', i], `from step "${s.id}" no path leads to an end; the instance would never finish`);
    }
  });
  raw.ends.forEach((e, i) => {
    if (!reachable.has(e.id)) error('flow.unreachable', ['ends', i], `end "${e.id}" is never reached; lead a step or an exit to it, or remove it`);
  });
}

/** The texts that may hold line breaks: a step's notes, an actor's description, the retention note. */
function isMultiline(path: readonly PathSegment[]): boolean {
  const key = path[path.length - 1];
  return (key === 'notes' && path[0] === 'steps') || (key === 'description' && path[0] === 'actors') || (key === 'note' && path[0] === 'retention');
}

/**
 * Safe display: no text of an SOP holds a control character or a
 * bidirectional control (a terminal escape sequence, U+202E that reverses
 * what a reader sees). Ids, names, titles, labels and activities are one
 * line; notes and descriptions may hold line breaks, and nothing else.
 */
function checkText(value: unknown, path: PathSegment[], error: (code: string, path: PathSegment[], message: string) => void): void {
  if (typeof value === 'string') {
    const found = controlCharacterIn(value, { lineBreaks: isMultiline(path) });
    if (found !== undefined) {
      const code = `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      const what = found === '\n' ? 'a line break, and this text is one line' : `the control character ${code}`;
      error(
        'text.control-character',
        path,
        `the text holds ${what}; SOP texts are plain text${isMultiline(path) ? ' (line breaks allowed)' : ' on one line'}, without control or bidirectional control characters`,
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkText(v, [...path, i], error);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkText(v, [...path, k], error);
  }
}

/** "Tidak Setuju" -> "tidak-setuju": the default choice id of an exit. */
export function slug(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
