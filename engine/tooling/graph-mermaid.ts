/**
 * The flowchart in Mermaid (`flowchart TB`): one subgraph per actor as its
 * swimlane, ([terminators]), [process boxes], {decision diamonds}, exits
 * labelled on their arrows, and loops drawn as dotted arrows. Paste it into
 * a ```mermaid block and a Markdown viewer draws it.
 */
import type { SopDefinition } from '../definition/types.js';
import { flowchartOf } from './flowchart.js';
import type { FlowchartNode } from './flowchart.js';

/**
 * @example mermaidFlowchart(def) // "%% Pengecualian Penerapan SMKI ...\nflowchart TB\n  subgraph lane1[\"Pemohon\"] ..."
 */
export function mermaidFlowchart(def: SopDefinition): string {
  const chart = flowchartOf(def);
  const lines = [`%% ${oneLine(chart.title)}`, 'flowchart TB'];
  chart.lanes.forEach((lane, i) => {
    lines.push(`  subgraph lane${i + 1}["${mermaidText(lane.name)}"]`, '    direction TB');
    for (const n of chart.nodes.filter((n) => n.lane === i)) lines.push(`    ${node(n)}`);
    lines.push('  end');
  });
  for (const e of chart.edges) {
    const arrow = e.loop ? '-.->' : '-->';
    lines.push(`  ${e.from} ${arrow}${e.label !== null ? `|"${mermaidText(e.label)}"|` : ''} ${e.to}`);
  }
  return lines.join('\n') + '\n';
}

function node(n: FlowchartNode): string {
  const text = `"${mermaidText(n.label)}"`;
  if (n.shape === 'terminator') return `${n.key}([${text}])`;
  if (n.shape === 'decision') return `${n.key}{${text}}`;
  return `${n.key}[${text}]`;
}

/**
 * Text inside a quoted Mermaid label. Mermaid reads `#code;` as a character
 * and the label as HTML, so every character that means something to either
 * is written as its code ('#' first, since the codes contain it).
 */
export function mermaidText(text: string): string {
  return oneLine(text).replace(/#/g, '#35;').replace(/"/g, '#34;').replace(/&/g, '#38;').replace(/</g, '#60;').replace(/>/g, '#62;').replace(/`/g, '#96;').replace(/\|/g, '#124;');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
