/**
 * The flowchart of an SOP as the documents draw it, before any syntax: one
 * swimlane per actor, a terminator at the start and at each end, a box per
 * process step, a diamond per decision, labelled exits, and the arrows that
 * close a loop marked. Mermaid and DOT are two spellings of this.
 */
import type { SopDefinition } from '../definition/types.js';
import { flowArrows } from '../definition/flow-graph.js';

export type Shape = 'terminator' | 'process' | 'decision';

export interface FlowchartNode {
  /** A key safe in any syntax: s1, s2 ... for steps, e1 ... for ends, s0 for a separate start. */
  key: string;
  /** The step or end id of the definition ('' for a separate start). */
  id: string;
  lane: number;
  shape: Shape;
  label: string;
}

export interface FlowchartEdge {
  from: string;
  to: string;
  label: string | null;
  loop: boolean;
}

export interface Flowchart {
  title: string;
  /** The actors that have steps, in the order declared: the columns of the procedure table. */
  lanes: { id: string; name: string }[];
  nodes: FlowchartNode[];
  edges: FlowchartEdge[];
}

/**
 * The documents draw their first row as the start terminator, so a start
 * step that is a process is drawn as one. A start decision keeps its
 * diamond, after a separate "Mulai" terminator in its lane. An end stands in
 * the lane of the first step (in the table's order) that leads to it.
 */
export function flowchartOf(def: SopDefinition): Flowchart {
  const lanes = def.actors.filter((a) => def.steps.some((s) => s.actor === a.id)).map((a) => ({ id: a.id, name: a.name }));
  const laneOf = new Map(lanes.map((l, i) => [l.id, i]));
  const key = new Map<string, string>();
  for (const [i, s] of def.steps.entries()) key.set(s.id, `s${i + 1}`);
  for (const [i, e] of def.ends.entries()) key.set(e.id, `e${i + 1}`);
  const arrows = flowArrows(def);

  const nodes: FlowchartNode[] = [];
  const edges: FlowchartEdge[] = [];
  const first = def.steps.find((s) => s.id === def.start)!;
  if (first.kind === 'decision') {
    nodes.push({ key: 's0', id: '', lane: laneOf.get(first.actor)!, shape: 'terminator', label: 'Mulai' });
    edges.push({ from: 's0', to: key.get(first.id)!, label: null, loop: false });
  }
  const firstInto = new Map<string, string>();
  for (const s of def.steps) {
    const shape: Shape = s.kind === 'decision' ? 'decision' : s.id === def.start ? 'terminator' : 'process';
    nodes.push({ key: key.get(s.id)!, id: s.id, lane: laneOf.get(s.actor)!, shape, label: `${s.number}. ${s.activity}` });
    for (const a of arrows.get(s.id) ?? []) {
      edges.push({ from: key.get(s.id)!, to: key.get(a.to)!, label: a.label, loop: a.loop });
      if (!firstInto.has(a.to)) firstInto.set(a.to, s.actor);
    }
  }
  for (const e of def.ends) {
    const actor = firstInto.get(e.id);
    nodes.push({ key: key.get(e.id)!, id: e.id, lane: actor ? laneOf.get(actor)! : 0, shape: 'terminator', label: e.name });
  }
  return { title: `${def.identity.name} (${def.identity.number})`, lanes, nodes, edges };
}
