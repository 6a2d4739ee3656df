import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { usageError } from '../errors.js';
import { DEFAULT_TARGET, parseLocalTime, type OfficeCalendar } from '../../engine/index.js';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from '../render/report.js';

interface ReportOpts {
  sop?: string;
  from?: string;
  to?: string;
  format: 'table' | 'json' | 'csv' | 'md';
  json?: boolean;
  target?: number;
}

export function registerReport(program: Command, io: Io): void {
  program
    .command('report')
    .description('mutu baku compliance: per SOP, step and actor, the working time each step took against its waktu')
    .option('--sop <id>', 'only this SOP')
    .option('--from <date>', 'steps completed on or after this local date (YYYY-MM-DD)')
    .option('--to <date>', 'steps completed on or before this local date (YYYY-MM-DD, inclusive)')
    .addOption(new Option('--format <format>', 'table, json, csv or md').choices(['table', 'json', 'csv', 'md']).default('table'))
    .option('--json', 'the same as --format json')
    .option('--target <percent>', `on-time share an SOP needs to be "berjalan dengan baik" (default ${DEFAULT_TARGET * 100})`, parsePercent)
    .addHelpText(
      'after',
      `
For each SOP: its instances in the period, and per step the number of
completions, the median and worst working time they took, and the share
completed within the step's waktu (due = activation + waktu in working time
of the office calendar). An SOP whose share on time meets the target is
"berjalan dengan baik", as Permenpan-RB 35/2012's monitoring form asks.
Then the same figures per actor (pelaksana), the steps overdue now, and the
open instances by age. The period selects completions by their time; dates
are local dates of the office calendar.

JSON: {generatedAt, timeZone, from, to, target, sops: [{sop, number, name,
instances: {started, completed, cancelled, active}, outcomes, count,
measured, onTime, late, onTimeShare, medianMinutes, worstMinutes, verdict,
belowTarget, steps: [{step, number, activity, actor, actorName, standard,
count, ...}]}], actors: [{actor, name, sops, count, ...}], overdue: [{instance,
sop, title, step, number, activity, actor, dueAt, dueLocal, overdueMinutes}],
open: [{instance, sop, title, startedAt, ageDays, workingMinutes, current}],
openByAge: [{label, count}]}. CSV: one row per sop, step, actor, overdue step
and open instance, told apart by the "level" column.`,
    )
    .action(async (opts: ReportOpts, cmd: Command) => {
      const format = opts.json ? 'json' : opts.format;
      const report = await withEngine(cmd, async (engine) => {
        const cal = await engine.definitions.calendar();
        const from = opts.from === undefined ? undefined : localDate(opts.from, cal, 0, '--from');
        const to = opts.to === undefined ? undefined : localDate(opts.to, cal, 1, '--to');
        if (from && to && to <= from) throw usageError(`--to ${opts.to} is before --from ${opts.from}`);
        return engine.audit.report({
          ...(opts.sop ? { sop: opts.sop } : {}),
          ...(from ? { from, fromText: opts.from! } : {}),
          ...(to ? { to, toText: opts.to! } : {}),
          ...(opts.target !== undefined ? { target: opts.target } : {}),
        });
      });
      if (format === 'json') return printJson(io, report);
      const shown = safe(report);
      const lines = format === 'csv' ? renderReportCsv(shown) : format === 'md' ? renderReportMarkdown(shown) : renderReportTable(shown);
      io.out(lines.join('\n') + '\n');
    });
}

/** The start of a local date, or of the day after it (`plusDays` 1, for an inclusive end). */
function localDate(text: string, cal: OfficeCalendar, plusDays: number, option: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays)) : undefined;
  const t = day && parseLocalTime(day.toISOString().slice(0, 10), cal);
  if (!m || !t || new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) !== text.trim()) {
    throw usageError(`${option} takes a date as YYYY-MM-DD, not "${text.slice(0, 40)}"`);
  }
  return t;
}

function parsePercent(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`a percentage from 0 to 100, not "${v}"`);
  return n / 100;
}
