/**
 * One actor cell of the procedure table in HTML: the step's flowchart symbol
 * when the step is this actor's, and the pieces of arrow that pass through
 * the cell. Everything is drawn in an inline SVG anchored to the top of the
 * cell, so it does not depend on how tall the row grows with its text; only
 * the arrow leaving downwards is a border that stretches to the cell's bottom.
 */
import type { DocumentRow, Connector } from './document-model.js';
import { escapeHtml } from './html-escape.js';

/** Height of a row without extras, and the vertical positions inside it (px). */
export const ROW_HEIGHT = 56;
const ELBOW_Y = 6;
const MID_Y = 26;
const LABEL_FONT = 7.5;

interface ShapeBox {
  halfWidth: number;
  top: number;
  bottom: number;
}

const BOXES: Record<DocumentRow['symbol'], ShapeBox> = {
  terminator: { halfWidth: 25, top: 13, bottom: 39 },
  process: { halfWidth: 25, top: 13, bottom: 39 },
  decision: { halfWidth: 23, top: 10, bottom: 42 },
};

type Side = 'right' | 'left' | 'bottom';

interface Placed {
  connector: Connector;
  side: Side;
  /** Extra connectors beyond the free sides are stacked below the first one on their side. */
  stack: number;
}

/** Where the row's connectors go, and how tall the row must be to hold them. */
export interface CellPlan {
  out: Placed[];
  into: Placed | null;
  height: number;
}

/**
 * Sides are taken in turn: leaving connectors to the right, then the left,
 * then below (when no arrow goes down); an entering connector to the left,
 * else the right. A side is free when a neighbouring actor column lies there
 * (labels may run into it: no other symbol shares the row), or when the
 * table has a single actor column.
 */
export function planCell(row: DocumentRow, lanes: number): CellPlan {
  const free = new Set<Side>();
  if (row.lane < lanes - 1 || lanes === 1) free.add('right');
  if (row.lane > 0 || lanes === 1) free.add('left');
  if (row.down === null) free.add('bottom');
  const take = (order: Side[]): Side | undefined => {
    const side = order.find((s) => free.has(s));
    if (side) free.delete(side);
    return side;
  };
  const stacked = new Map<Side, number>();
  const fallback: Side = row.lane < lanes - 1 || lanes === 1 ? 'right' : 'left';
  const out = row.jumpsOut.map((connector): Placed => {
    const side = take(['right', 'left', 'bottom']);
    if (side) return { connector, side, stack: 0 };
    const stack = (stacked.get(fallback) ?? 0) + 1;
    stacked.set(fallback, stack);
    return { connector, side: fallback, stack };
  });
  const entering = row.jumpsIn[0];
  const into = entering ? { connector: entering, side: take(['left', 'right']) ?? fallback, stack: 0 } : null;
  const box = BOXES[row.symbol];
  let height = ROW_HEIGHT;
  if (out.some((p) => p.side === 'bottom')) height = Math.max(height, box.bottom + 30);
  const deepest = Math.max(0, ...out.map((p) => p.stack));
  if (deepest > 0) height = Math.max(height, MID_Y + 20 * deepest + 14);
  return { out, into, height };
}

/** The inner HTML of the cell of lane `lane` in `row`. */
export function flowCell(row: DocumentRow, lane: number, plan: CellPlan): string {
  const parts: string[] = [];
  const from = row.fromLane;
  const toward = (target: number) => (target > lane ? '100%' : '0');
  // The arrow from the row above: down its own column, along the top of this row, then down into the symbol.
  if (from !== null && lane !== row.lane && between(lane, from, row.lane)) {
    if (lane === from) parts.push(line('50%', 0, '50%', ELBOW_Y), line('50%', ELBOW_Y, toward(row.lane), ELBOW_Y));
    else parts.push(line('0', ELBOW_Y, '100%', ELBOW_Y));
  }
  if (lane !== row.lane) return svg(parts.join(''), plan.height);

  const box = BOXES[row.symbol];
  if (from !== null) {
    if (from !== lane) parts.push(line(toward(from), ELBOW_Y, '50%', ELBOW_Y));
    parts.push(line('50%', from === lane ? 0 : ELBOW_Y, '50%', box.top, true));
  }
  const local: string[] = [symbol(row.symbol)];
  if (row.down?.label) local.push(text(4, box.bottom + 10, row.down.label, 'start'));
  for (const p of plan.out) local.push(leaving(p, box));
  if (plan.into) local.push(entering(plan.into, box));
  parts.push(`<svg x="50%" overflow="visible">${local.join('')}</svg>`);
  const down = row.down ? `<div class="terus" style="top:${box.bottom}px"></div>` : '';
  return svg(parts.join(''), plan.height) + down;
}

function between(x: number, a: number, b: number): boolean {
  return x >= Math.min(a, b) && x <= Math.max(a, b);
}

function svg(inner: string, height: number): string {
  return `<svg class="alir" width="100%" height="${height}" aria-hidden="true">${inner}</svg>`;
}

function line(x1: string | number, y1: number, x2: string | number, y2: number, arrow = false): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"${arrow ? ' marker-end="url(#panah)"' : ''}/>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'end' | 'middle', cls = 'label'): string {
  return `<text class="${cls}" x="${x}" y="${y}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

/** The five symbols of the format, centred on x = 0. */
function symbol(shape: DocumentRow['symbol']): string {
  const b = BOXES[shape];
  const h = b.bottom - b.top;
  if (shape === 'decision') {
    return `<polygon class="simbol" points="0,${b.top} ${b.halfWidth},${MID_Y} 0,${b.bottom} ${-b.halfWidth},${MID_Y}"/>`;
  }
  const radius = shape === 'terminator' ? h / 2 : 0;
  return `<rect class="simbol" x="${-b.halfWidth}" y="${b.top}" width="${b.halfWidth * 2}" height="${h}" rx="${radius}"/>`;
}

/** The off-page connector: a pentagon pointing down, with its letter; (x, y) is its top left. */
function connector(x: number, y: number, letter: string): string {
  const w = 14;
  return `<polygon class="penghubung" points="${x},${y} ${x + w},${y} ${x + w},${y + 10} ${x + w / 2},${y + 16} ${x},${y + 10}"/>` + text(x + w / 2, y + 9, letter, 'middle', 'huruf');
}

function labelWidth(label: string | null): number {
  return label ? Math.ceil(label.length * LABEL_FONT * 0.6) : 0;
}

function leaving(p: Placed, box: ShapeBox): string {
  const label = p.connector.label;
  if (p.side === 'bottom') {
    const y = box.bottom + 8;
    return line(0, box.bottom, 0, y) + connector(-7, y, p.connector.letter) + (label ? text(10, y + 9, label, 'start') : '');
  }
  const dir = p.side === 'right' ? 1 : -1;
  const gap = Math.max(14, labelWidth(label) + 6);
  const edge = dir * box.halfWidth;
  const y = MID_Y + 20 * p.stack;
  const reach = edge + dir * gap;
  const wire = p.stack === 0 ? line(edge, MID_Y, reach, MID_Y) : `<polyline points="${edge},${MID_Y} ${edge + dir * 5},${MID_Y} ${edge + dir * 5},${y} ${reach},${y}"/>`;
  const x = dir > 0 ? reach : reach - 14;
  const labelled = label ? text(edge + dir * 3, y - 4, label, dir > 0 ? 'start' : 'end') : '';
  return wire + connector(x, y - 8, p.connector.letter) + labelled;
}

function entering(p: Placed, box: ShapeBox): string {
  const dir = p.side === 'right' ? 1 : -1;
  const edge = dir * box.halfWidth;
  const start = edge + dir * 12;
  const x = dir > 0 ? start : start - 14;
  return connector(x, MID_Y - 8, p.connector.letter) + line(start, MID_Y, edge, MID_Y, true);
}
