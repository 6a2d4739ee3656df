/**
 * Helpers for the machine tests. They walk the SOP graph on their own, from
 * the definition alone, so that what they produce checks the machine instead
 * of repeating it.
 */
import { fileURLToPath } from 'node:url';
import { checkSopSource, loadSop } from '../../engine/definition/load.js';
import type { SopDefinition } from '../../engine/index.js';
import type { MachineEvent } from '../../engine/machine/index.js';

export const SOPS = fileURLToPath(new URL('../../sops/', import.meta.url));

export const seed = (id: string): SopDefinition => loadSop(SOPS, id);

export const complete = (step: string, choice?: string): MachineEvent => (choice === undefined ? { type: 'COMPLETE', step } : { type: 'COMPLETE', step, choice });

export const CANCEL: MachineEvent = { type: 'CANCEL' };

/** A definition from YAML text, as if it were the file `<id>.yaml`; fails the test if the text is not a valid SOP. */
export function defineSop(id: string, yaml: string): SopDefinition {
  const checked = checkSopSource(`${id}.yaml`, yaml, () => false);
  if (!checked.definition) {
    throw new Error(`test SOP ${id} is invalid:\n${checked.problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.message}`).join('\n')}`);
  }
  return checked.definition;
}

interface Move {
  step: string;
  /** The exit taken, for a decision. */
  exit?: { id: string; label: string };
  to: string;
}

function movesFrom(def: SopDefinition, stepId: string): Move[] {
  const step = def.steps.find((s) => s.id === stepId);
  if (!step) return [];
  if (step.kind === 'process') return [{ step: step.id, to: step.next }];
  return step.exits.map((x) => ({ step: step.id, exit: { id: x.id, label: x.label }, to: x.to }));
}

const moveKey = (m: Move) => `${m.step}->${m.exit?.id ?? ''}->${m.to}`;
const isEnd = (def: SopDefinition, id: string) => def.ends.some((e) => e.id === id);

/** The moves that close a loop: in a depth-first walk from the start, the ones leading back to a step still on the walk. */
export function loopBacks(def: SopDefinition): Set<string> {
  const back = new Set<string>();
  const onWalk = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string) => {
    onWalk.add(id);
    for (const m of movesFrom(def, id)) {
      if (onWalk.has(m.to)) back.add(moveKey(m));
      else if (!done.has(m.to) && !isEnd(def, m.to)) visit(m.to);
    }
    onWalk.delete(id);
    done.add(id);
  };
  visit(def.start);
  return back;
}

export interface Path {
  /** The labels of the exits taken at the decisions, in order. */
  labels: string[];
  end: string;
  events: MachineEvent[];
}

/** Every path from the start to an end that takes each loop at most once (each loop-closing move at most once). */
export function allPaths(def: SopDefinition): Path[] {
  const back = loopBacks(def);
  const paths: Path[] = [];
  const walk = (at: string, taken: Move[], used: Set<string>) => {
    if (isEnd(def, at)) {
      paths.push({
        labels: taken.flatMap((m) => (m.exit ? [m.exit.label] : [])),
        end: at,
        events: taken.map((m) => ({ type: 'COMPLETE', step: m.step, ...(m.exit ? { choice: m.exit.id } : {}) })),
      });
      return;
    }
    for (const m of movesFrom(def, at)) {
      const key = moveKey(m);
      if (back.has(key) && used.has(key)) continue;
      walk(m.to, [...taken, m], back.has(key) ? new Set([...used, key]) : used);
    }
  };
  walk(def.start, [], new Set());
  return paths;
}

/** The events of the path that takes the exits with these labels, in order, from the start to an end. */
export function eventsFor(def: SopDefinition, labels: string[]): MachineEvent[] {
  const events: MachineEvent[] = [];
  const left = [...labels];
  let at = def.start;
  while (!isEnd(def, at)) {
    const step = def.steps.find((s) => s.id === at);
    if (!step) throw new Error(`no step ${at}`);
    if (step.kind === 'process') {
      events.push(complete(step.id));
      at = step.next;
    } else {
      const label = left.shift();
      const exit = step.exits.find((x) => x.label === label);
      if (!exit) throw new Error(`step ${step.id} has no exit labelled ${label}`);
      events.push(complete(step.id, exit.id));
      at = exit.to;
    }
  }
  if (left.length) throw new Error(`labels left over at end ${at}: ${left.join(', ')}`);
  return events;
}

/** The ends reachable from a step or end. */
export function endsReachableFrom(def: SopDefinition, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const todo = [from];
  const ends = new Set<string>();
  while (todo.length) {
    const id = todo.pop()!;
    if (isEnd(def, id)) ends.add(id);
    for (const m of movesFrom(def, id)) {
      if (!seen.has(m.to)) {
        seen.add(m.to);
        todo.push(m.to);
      }
    }
  }
  return ends;
}
