/** The compliance report as a text table, Markdown or CSV; --format json prints the data itself. */
import type { ComplianceReport, Figures, Marked, MarkedAction, SopReport } from '../../engine/index.js';
import { table } from './wrap.js';

/** Working minutes as a person reads them: "45 min", "7 h 30 min". */
export function workingTime(minutes: number | null): string {
  if (minutes === null) return '-';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

const percent = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)}%`);
const onTime = (f: Figures) => (f.measured ? `${f.onTime}/${f.measured} ${percent(f.onTimeShare)}` : '-');
const period = (r: ComplianceReport) => `${r.from ?? 'the beginning'} to ${r.to ?? 'now'}`;
const cut = (text: string, n: number) => ([...text].length > n ? [...text].slice(0, n - 1).join('') + '…' : text);
/** The marks of a row's count: "3 (1 Plh., 1 a.n.)". */
const countMarked = (f: Figures & Marked) => {
  const marks = [f.byDeputy ? `${f.byDeputy} by deputy` : '', f.onBehalf ? `${f.onBehalf} on behalf` : ''].filter(Boolean);
  return marks.length ? `${f.count} (${marks.join(', ')})` : String(f.count);
};
/** "Plh. Kepala Bidang Persandian, a.n. siti" or "admin on behalf of budi (reason)". */
export function actedAs(a: MarkedAction): string {
  if (a.onBehalfOf) return `${a.user} on behalf of ${a.onBehalfOf.user} (${a.onBehalfOf.reason})`;
  if (a.deputy) return `${a.user}, ${a.deputy.title} ${a.actorName}, a.n. ${a.deputy.for}`;
  return a.user;
}

function instancesLine(s: SopReport): string {
  const outcomes = Object.entries(s.outcomes)
    .map(([o, n]) => `${o} ${n}`)
    .join(', ');
  return `${s.instances.started} started, ${s.instances.completed} completed${outcomes ? ` (${outcomes})` : ''}, ${s.instances.cancelled} cancelled, ${s.instances.active} still active`;
}

export function renderReportTable(r: ComplianceReport): string[] {
  const out = [`Mutu baku compliance, ${period(r)} (working time, ${r.timeZone}); target ${percent(r.target)} of steps on time`];
  if (r.sops.length === 0) out.push('', 'no instances in the store');
  for (const s of r.sops) {
    out.push('', `${s.sop}  ${s.number}`, `  ${s.name}`);
    out.push(`  instances: ${instancesLine(s)}`);
    out.push(`  steps completed: ${s.count}; on time ${onTime(s)}; median ${workingTime(s.medianMinutes)}, worst ${workingTime(s.worstMinutes)}`);
    out.push(`  evaluation: ${s.verdict}${s.belowTarget.length ? `; below target: ${s.belowTarget.join('; ')}` : ''}`);
    out.push(
      ...table(
        ['No', 'Uraian Prosedur', 'Pelaksana', 'Waktu', 'n', 'median', 'worst', 'on time'],
        s.steps.map((p) => [p.number, cut(p.activity, 28), cut(p.actorName, 16), p.standard ?? '-', countMarked(p), workingTime(p.medianMinutes), workingTime(p.worstMinutes), onTime(p)]),
      ).map((l) => `  ${l}`),
    );
  }
  if (r.actors.length) {
    out.push('', 'Per pelaksana (actor):');
    out.push(
      ...table(
        ['Actor', 'SOPs', 'n', 'median', 'worst', 'on time'],
        r.actors.map((a) => [cut(a.name, 26), String(a.sops.length), countMarked(a), workingTime(a.medianMinutes), workingTime(a.worstMinutes), onTime(a)]),
      ).map((l) => `  ${l}`),
    );
  }
  const markedTable = (title: string, list: MarkedAction[]) => {
    if (list.length === 0) return;
    out.push('', `${title}: ${list.length}`);
    out.push(
      ...table(
        ['Instance', 'Step', 'At', 'Done by'],
        list.map((a) => [a.instance, `${a.number} ${cut(a.activity, 22)}`, a.at.slice(0, 16).replace('T', ' '), actedAs(a)]),
      ).map((l) => `  ${l}`),
    );
  };
  markedTable('Done by a deputy (Plt./Plh.), counted for the role', r.deputyActions);
  markedTable("Emergency actions (an administrator on someone's behalf), counted for the role", r.emergencyActions);
  out.push('', `Overdue now: ${r.overdue.length}`);
  if (r.overdue.length) {
    out.push(
      ...table(
        ['Instance', 'SOP', 'Step', 'Due', 'Late by'],
        r.overdue.map((o) => [o.instance, cut(o.sop, 20), `${o.number} ${cut(o.activity, 22)}`, o.dueLocal, workingTime(o.overdueMinutes)]),
      ).map((l) => `  ${l}`),
    );
  }
  out.push('', `Open instances by age: ${r.openByAge.map((b) => `${b.label}: ${b.count}`).join(', ')}`);
  if (r.open.length) {
    out.push(
      ...table(
        ['Instance', 'SOP', 'Age', 'Working time', 'At step'],
        r.open.map((o) => [o.instance, cut(o.sop, 24), `${o.ageDays} d`, workingTime(o.workingMinutes), o.current ?? '-']),
      ).map((l) => `  ${l}`),
    );
  }
  return out;
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function mdTable(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
}

export function renderReportMarkdown(r: ComplianceReport): string[] {
  const out = [`# Mutu baku compliance`, '', `Period: ${period(r)}. Working time of the office calendar (${r.timeZone}). Target: ${percent(r.target)} of steps on time.`];
  if (r.sops.length) {
    out.push('', '## Monitoring', '');
    out.push(
      ...mdTable(
        ['SOP', 'Nomor', 'Nama SOP', 'Steps', 'On time', 'Evaluation', 'Notes'],
        r.sops.map((s) => [s.sop, s.number, s.name, String(s.count), onTime(s), s.verdict, s.belowTarget.join('; ')]),
      ),
    );
  }
  for (const s of r.sops) {
    out.push('', `## ${s.name} (${s.number})`, '', `Instances: ${instancesLine(s)}.`, '');
    out.push(
      ...mdTable(
        ['No', 'Uraian Prosedur', 'Pelaksana', 'Waktu', 'n', 'Median', 'Worst', 'On time'],
        s.steps.map((p) => [p.number, p.activity, p.actorName, p.standard ?? '-', countMarked(p), workingTime(p.medianMinutes), workingTime(p.worstMinutes), onTime(p)]),
      ),
    );
  }
  if (r.actors.length) {
    out.push('', '## Per pelaksana', '');
    out.push(
      ...mdTable(
        ['Pelaksana', 'SOPs', 'n', 'Median', 'Worst', 'On time'],
        r.actors.map((a) => [a.name, a.sops.join(', '), countMarked(a), workingTime(a.medianMinutes), workingTime(a.worstMinutes), onTime(a)]),
      ),
    );
  }
  for (const [title, list] of [
    ['Done by a deputy (Plt./Plh.)', r.deputyActions],
    ["Emergency actions (on someone's behalf)", r.emergencyActions],
  ] as const) {
    if (list.length === 0) continue;
    out.push('', `## ${title} (${list.length})`, '', 'Counted for the role in the figures above.', '');
    out.push(
      ...mdTable(
        ['Instance', 'SOP', 'Step', 'At', 'Done by'],
        list.map((a) => [a.instance, a.sop, `${a.number} ${a.activity}`, a.at, actedAs(a)]),
      ),
    );
  }
  out.push('', `## Overdue now (${r.overdue.length})`, '');
  if (r.overdue.length)
    out.push(
      ...mdTable(
        ['Instance', 'SOP', 'Step', 'Due', 'Late by'],
        r.overdue.map((o) => [o.instance, o.sop, `${o.number} ${o.activity}`, o.dueLocal, workingTime(o.overdueMinutes)]),
      ),
    );
  else out.push('None.');
  out.push(
    '',
    '## Open instances by age',
    '',
    ...mdTable(
      ['Age', 'Instances'],
      r.openByAge.map((b) => [b.label, String(b.count)]),
    ),
  );
  if (r.open.length)
    out.push(
      '',
      ...mdTable(
        ['Instance', 'SOP', 'Title', 'Started', 'Age (days)', 'At step'],
        r.open.map((o) => [o.instance, o.sop, o.title, o.startedAt, String(o.ageDays), o.current ?? '-']),
      ),
    );
  return out;
}

const CSV_COLUMNS = [
  'level',
  'sop',
  'step',
  'number',
  'activity',
  'actor',
  'standard',
  'count',
  'measured',
  'on_time',
  'late',
  'on_time_share',
  'median_minutes',
  'worst_minutes',
  'verdict',
  'instance',
  'title',
  'due_at',
  'overdue_minutes',
  'started_at',
  'age_days',
  'by_deputy',
  'on_behalf',
  'user',
  'at',
  'deputy_title',
  'deputy_for',
  'on_behalf_of',
  'reason',
] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const markedCells = (m: Marked): CsvRow => ({ by_deputy: m.byDeputy, on_behalf: m.onBehalf });
const actionCells = (level: 'deputy' | 'emergency', a: MarkedAction): CsvRow => ({
  level,
  sop: a.sop,
  step: a.step,
  number: a.number,
  activity: a.activity,
  actor: a.actor,
  instance: a.instance,
  user: a.user,
  at: a.at,
  deputy_title: a.deputy?.title ?? null,
  deputy_for: a.deputy?.for ?? null,
  on_behalf_of: a.onBehalfOf?.user ?? null,
  reason: a.onBehalfOf?.reason ?? null,
});

const figureCells = (f: Figures): CsvRow => ({
  count: f.count,
  measured: f.measured,
  on_time: f.onTime,
  late: f.late,
  on_time_share: f.onTimeShare === null ? null : Math.round(f.onTimeShare * 1000) / 1000,
  median_minutes: f.medianMinutes,
  worst_minutes: f.worstMinutes,
});

/** One flat table; `level` says what a row is: sop, step, actor, deputy (an action by a deputy), emergency (on someone's behalf), overdue or open. */
export function renderReportCsv(r: ComplianceReport): string[] {
  const rows: CsvRow[] = [];
  for (const s of r.sops) {
    rows.push({ level: 'sop', sop: s.sop, number: s.number, activity: s.name, ...figureCells(s), verdict: s.verdict });
    for (const p of s.steps) rows.push({ level: 'step', sop: s.sop, step: p.step, number: p.number, activity: p.activity, actor: p.actor, standard: p.standard, ...figureCells(p), ...markedCells(p) });
  }
  for (const a of r.actors) rows.push({ level: 'actor', sop: a.sops.join(' '), actor: a.actor, activity: a.name, ...figureCells(a), ...markedCells(a) });
  for (const a of r.deputyActions) rows.push(actionCells('deputy', a));
  for (const a of r.emergencyActions) rows.push(actionCells('emergency', a));
  for (const o of r.overdue)
    rows.push({ level: 'overdue', sop: o.sop, step: o.step, number: o.number, activity: o.activity, actor: o.actor, instance: o.instance, title: o.title, due_at: o.dueAt, overdue_minutes: o.overdueMinutes });
  for (const o of r.open) rows.push({ level: 'open', sop: o.sop, step: o.current, instance: o.instance, title: o.title, started_at: o.startedAt, age_days: o.ageDays });
  return [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((c) => csvField(row[c])).join(','))];
}
