/** `sop paths` as text: one block per path, its steps one or two lines each. */
import type { SopPaths, SopPath } from '../../engine/index.js';
import { labelled, wrap } from './wrap.js';

export function renderPaths(result: SopPaths, width: number): string[] {
  const out: string[] = [];
  const n = result.paths.length;
  out.push(...wrap(`${result.name} (${result.sop})`, width));
  out.push(...wrap(`${n} path${n === 1 ? '' : 's'} from the start to an end; shortest and longest compare totals with a working day of ${result.minutesPerDay} working minutes.`, width));
  for (const p of result.paths) out.push('', ...renderPath(p, width));
  return out;
}

function renderPath(p: SopPath, width: number): string[] {
  const marks = [p.shortest ? 'shortest' : '', p.longest ? 'longest' : '', p.loops.length ? 'loop' : ''].filter(Boolean);
  const out = wrap(`Path ${p.number} -> ${p.end.name} (${p.end.outcome})${marks.length ? ` [${marks.join(', ')}]` : ''}`, width);
  out.push(...labelled('  Waktu total: ', p.total.text + (p.untimedSteps ? ` (${p.untimedSteps} step(s) without waktu)` : ''), width));
  out.push(...labelled('  Pelaksana:   ', p.actors.map((a) => a.name).join(', '), width));
  for (const l of p.loops) {
    out.push(...labelled('  Loop:        ', `${l.from} -> ${l.to}${l.label ? ` (${l.label})` : ''}, walked once`, width));
  }
  for (const s of p.steps) {
    const head = `    ${s.number.padEnd(3)} `;
    out.push(...labelled(head, s.activity + (s.again ? ' (again)' : ''), width));
    const detail = [s.actorName, s.timeText ?? 'no waktu', ...(s.choice ? [`-> ${s.choice.label}`] : [])].join(' | ');
    out.push(...labelled(' '.repeat(head.length), detail, width));
  }
  return out;
}
