/**
 * The flowchart in Graphviz DOT: one `cluster_` subgraph per actor as its
 * swimlane, terminators as rounded boxes, process steps as boxes, decisions
 * as diamonds, exits labelled, and loops drawn as dashed arrows.
 * `dot -Tsvg` draws it.
 */
import type { SopDefinition } from '../definition/types.js';
import { flowchartOf } from './flowchart.js';
import type { FlowchartNode } from './flowchart.js';

const SHAPES: Record<FlowchartNode['shape'], string> = {
  terminator: 'shape=box, style="rounded,bold"',
  process: 'shape=box',
  decision: 'shape=diamond',
};

/** @example dotFlowchart(def) // 'digraph "pengecualian-smki" {\n  graph [label="Pengecualian ...' */
export function dotFlowchart(def: SopDefinition): string {
  const chart = flowchartOf(def);
  const lines = [
    `digraph ${dotString(def.id)} {`,
    `  graph [label=${dotString(chart.title)}, labelloc=t, fontname="Helvetica", fontsize=14, rankdir=TB, newrank=true, nodesep=0.4, ranksep=0.45];`,
    '  node [fontname="Helvetica", fontsize=10, margin="0.15,0.06"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  chart.lanes.forEach((lane, i) => {
    lines.push(`  subgraph cluster_lane${i + 1} {`, `    label=${dotString(lane.name)}; style=rounded; color="#555555"; fontsize=12;`);
    for (const n of chart.nodes.filter((n) => n.lane === i)) {
      const width = n.shape === 'decision' ? 18 : 24;
      lines.push(`    ${n.key} [${SHAPES[n.shape]}, label=${dotString(wrapWords(n.label, width))}];`);
    }
    lines.push('  }');
  });
  for (const e of chart.edges) {
    const attrs = [...(e.label !== null ? [`label=${dotString(' ' + e.label + ' ')}`] : []), ...(e.loop ? ['style=dashed', 'constraint=false'] : [])];
    lines.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** A DOT double-quoted string: backslashes and quotes escaped, line breaks as \n. */
export function dotString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n')}"`;
}

/** Breaks a label into lines of about `width` characters, so boxes stay narrow. */
function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
