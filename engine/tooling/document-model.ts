/**
 * The procedure table of the document, laid out once for both renderings
 * (HTML and Markdown): one row per step and then one per end, each with its
 * flowchart symbol in its actor's column, an arrow down to the next row when
 * the flow goes there, and lettered connectors (A, B, ...) for every other
 * arrow, as the documents draw a flow that continues on another row.
 */
import type { SopDefinition } from '../definition/types.js';
import { flowArrows } from '../definition/flow-graph.js';
import type { Shape } from './flowchart.js';

export interface Connector {
  letter: string;
  /** The exit's label on a decision; null for a process step's `next`. */
  label: string | null;
  /** The row at the other end. */
  row: number;
}

export interface DocumentRow {
  kind: 'step' | 'end';
  id: string;
  /** As printed in the No column; empty on an end. */
  number: string;
  /** Uraian Prosedur, or the end's name. */
  text: string;
  /** Index of the actor column (in the order actors are declared). */
  lane: number;
  symbol: Shape;
  requirements: string[];
  /** The waktu as written. */
  time: string | null;
  outputs: string[];
  notes: string | null;
  /** The arrow down to the next row, with the exit's label on a decision. */
  down: { label: string | null } | null;
  /** The lane of the previous row, when its arrow comes down into this row. */
  fromLane: number | null;
  /** Arrows to rows other than the next one: each leaves through a connector. */
  jumpsOut: Connector[];
  /** The connector that leads into this row (one letter per row; `row` is the first row it comes from). */
  jumpsIn: Connector[];
}

export interface DocumentModel {
  actors: { id: string; name: string }[];
  rows: DocumentRow[];
}

/**
 * Lays out the procedure table. The start step is drawn as the start
 * terminator, as the documents draw their first row; each end is a row with
 * an end terminator, in the column of the first step (in table order) that
 * leads to it.
 */
export function documentModel(def: SopDefinition): DocumentModel {
  const lane = new Map(def.actors.map((a, i) => [a.id, i]));
  const arrows = flowArrows(def);
  const rowOf = new Map<string, number>();
  for (const [i, s] of def.steps.entries()) rowOf.set(s.id, i);
  for (const [i, e] of def.ends.entries()) rowOf.set(e.id, def.steps.length + i);

  const firstInto = new Map<string, string>();
  for (const s of def.steps) for (const a of arrows.get(s.id) ?? []) if (!firstInto.has(a.to)) firstInto.set(a.to, s.actor);

  const rows: DocumentRow[] = [
    ...def.steps.map(
      (s): DocumentRow => ({
        kind: 'step',
        id: s.id,
        number: s.number,
        text: s.activity,
        lane: lane.get(s.actor) ?? 0,
        symbol: s.kind === 'decision' ? 'decision' : s.id === def.start ? 'terminator' : 'process',
        requirements: s.requirements,
        time: s.timeText,
        outputs: s.outputs.map((o) => o.name),
        notes: s.notes,
        down: null,
        fromLane: null,
        jumpsOut: [],
        jumpsIn: [],
      }),
    ),
    ...def.ends.map(
      (e): DocumentRow => ({
        kind: 'end',
        id: e.id,
        number: '',
        text: e.name,
        lane: lane.get(firstInto.get(e.id) ?? '') ?? 0,
        symbol: 'terminator',
        requirements: [],
        time: null,
        outputs: [],
        notes: null,
        down: null,
        fromLane: null,
        jumpsOut: [],
        jumpsIn: [],
      }),
    ),
  ];

  // One letter per row that a connector leads to, in the order the table first needs it.
  const letters = new Map<number, string>();
  def.steps.forEach((s, i) => {
    const row = rows[i]!;
    for (const a of arrows.get(s.id) ?? []) {
      const to = rowOf.get(a.to)!;
      if (to === i + 1 && row.down === null) {
        row.down = { label: a.label };
        rows[to]!.fromLane = row.lane;
        continue;
      }
      if (!letters.has(to)) {
        letters.set(to, connectorLetter(letters.size));
        rows[to]!.jumpsIn.push({ letter: letters.get(to)!, label: null, row: i });
      }
      row.jumpsOut.push({ letter: letters.get(to)!, label: a.label, row: to });
    }
  });
  return { actors: def.actors.map((a) => ({ id: a.id, name: a.name })), rows };
}

/** A, B, ... Z, then A1, B1 ...: short enough for a connector symbol. */
export function connectorLetter(n: number): string {
  const letter = String.fromCharCode(65 + (n % 26));
  return n < 26 ? letter : `${letter}${Math.floor(n / 26)}`;
}

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** "2025-08-04" -> "4 Agustus 2025", as the documents print dates; null -> "-". */
export function tanggal(iso: string | null): string {
  if (!iso) return '-';
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}
