import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { usageError } from '../errors.js';
import { setExitCode, EXIT_REFUSED } from '../options.js';
import { parseLocalTime, formatLocal, type OfficeCalendar, type ReplayView, type ReplayStep } from '../../engine/index.js';

export function registerReplay(program: Command, io: Io): void {
  program
    .command('replay')
    .description('rebuild an instance event by event through its pinned definition and compare with the recorded state')
    .argument('<instance>', 'instance id')
    .option('--until <seq|time>', 'stop after this log entry (a number) or at this time ("2026-11-20 10:00" office time, or ISO 8601 with a zone)')
    .option('--json', 'print the replay as JSON')
    .addHelpText(
      'after',
      `
Prints the state after each event (refused attempts change nothing) and ends
by saying whether the result equals the state the store recorded. Exit 1
when it does not, or when an event does not apply to the pinned definition.

JSON: {id, sop, revision, definitionHash, until, events: [{seq, at, type,
user, step, choice, version, state: {status, current, outcome, end, visits,
assignments}}], final, recorded, matches (null when --until stops early),
breaks: [{code, seq?, instance?, message}]}`,
    )
    .action(async (id: string, opts: { until?: string; json?: boolean }, cmd: Command) => {
      const view = await withEngine(cmd, async (engine) => {
        const cal = await engine.definitions.calendar();
        const until = opts.until === undefined ? undefined : parseUntil(opts.until, cal);
        return { view: await engine.audit.replay(id, until === undefined ? {} : { until }), cal };
      });
      if (opts.json) printJson(io, view.view);
      else io.out(renderReplay(safe(view.view), view.cal).join('\n') + '\n');
      if (view.view.breaks.length > 0) setExitCode(cmd, EXIT_REFUSED);
    });
}

function parseUntil(text: string, cal: OfficeCalendar): number | Date {
  if (/^\d{1,15}$/.test(text.trim())) return Number(text);
  const t = parseLocalTime(text, cal);
  if (!t) throw usageError(`--until takes a log entry number or a time such as "2026-11-20 10:00", not "${text.slice(0, 80)}"`, 'see sop replay --help');
  return t;
}

function renderReplay(v: ReplayView, cal: OfficeCalendar): string[] {
  const lines = [`Replay of ${v.id}: SOP ${v.sop} revision ${v.revision ?? '?'}, definition ${v.definitionHash?.slice(0, 12) ?? '?'}`];
  for (const e of v.events) {
    lines.push(`#${String(e.seq).padEnd(5)} ${formatLocal(new Date(e.at), cal)}  ${describeEvent(e).padEnd(34)} -> ${describeState(e.state)}`);
  }
  for (const b of v.breaks) lines.push(`BROKEN: ${b.seq !== undefined ? `entry ${b.seq}: ` : ''}${b.code} ${b.message}`);
  if (v.final) lines.push('', `Result: ${describeState(v.final)}`);
  if (v.matches === true) lines.push('It equals the recorded state.');
  else if (v.matches === false) lines.push(`It does NOT equal the recorded state (${describeState(v.recorded)}).`);
  else if (v.until)
    lines.push(
      `Stopped at ${'seq' in v.until ? `entry ${v.until.seq}` : formatLocal(new Date(v.until.at), cal)}; the recorded state (${describeState(v.recorded)}) is after later events, so it is not compared.`,
    );
  return lines;
}

function describeEvent(e: ReplayStep): string {
  if (e.type === 'completed') return `completed ${e.step}${e.choice ? ` (${e.choice})` : ''} by ${e.user}`;
  if (e.type === 'refused') return `refused attempt by ${e.user}`;
  return `${e.type} by ${e.user}`;
}

function describeState(s: { status: string; current: string | null; outcome: string | null }): string {
  if (s.status === 'active') return `active at ${s.current}`;
  if (s.status === 'completed') return `completed (${s.outcome})`;
  return s.status;
}
