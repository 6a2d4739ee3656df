/** Text views of instances for a person at a terminal; --json gives the same data unformatted. */
import { formatLocal, type StatusView, type TaskView, type ListedInstance, type HistoryEntry, type OfficeCalendar } from '../../engine/index.js';

import { labelled, table } from './wrap.js';

const local = (iso: string, cal: OfficeCalendar) => formatLocal(new Date(iso), cal);

export function renderStatus(s: StatusView, cal: OfficeCalendar, width: number): string[] {
  const out: string[] = [];
  const field = (label: string, text: string) => out.push(...labelled(label, text, width, 13));
  out.push(`${s.id}  ${s.sopName}`);
  field('SOP', `${s.sop}, revision ${s.revision}`);
  field('Title', s.title);
  field('Status', `${s.status}${s.outcome ? ` (${s.outcome})` : ''}, version ${s.version}`);
  field('Started', `${local(s.startedAt, cal)} by ${s.startedBy}`);
  const bound = Object.entries(s.assignments);
  if (bound.length) field('Bound', bound.map(([a, u]) => `${a}=${u}`).join(', '));
  for (const c of s.current) {
    out.push('');
    out.push(...labelled('Current step ', `${c.number} ${c.name}`, width, 13));
    field('  actor', `${c.actorName}${c.assignee ? ` (${c.assignee})` : ` (role ${c.actor})`}`);
    field('  waktu', c.timeStandard ?? '-');
    field('  due', c.dueLocal ? `${c.dueLocal}${c.overdue ? '  OVERDUE' : ''}` : '-');
    if (c.exits.length) field('  choices', c.exits.map((x) => `${x.id} (${x.label})`).join(', '));
    if (c.outputs.length) field('  outputs', c.outputs.map((o) => `${o.id}${o.sensitive ? ' [sensitive]' : ''}`).join(', '));
    out.push('');
    out.push(
      `next: sop advance ${s.id}${c.exits.length ? ` --choice <${c.choices.join('|')}>` : ''}${c.outputs
        .filter((o) => !o.sensitive)
        .map((o) => ` --output "${o.id}=..."`)
        .join('')}`,
    );
  }
  if (s.newerRevision) out.push('', ...labelled('Note: ', s.newerRevision.note, width));
  return out;
}

export function renderTasks(list: TaskView[], cal: OfficeCalendar): string[] {
  if (list.length === 0) return ['no tasks'];
  const rows = list.map((t) => [
    t.instance,
    t.sop,
    `${t.number} ${truncate(t.name, 32)}`,
    t.assignee ? `${t.actor} (${t.assignee})` : t.deputy ? `${t.actor} (${t.deputy.title} a.n. ${t.deputy.for})` : t.actor,
    t.dueAt ? formatLocal(new Date(t.dueAt), cal) : '-',
    t.overdue ? 'OVERDUE' : '',
  ]);
  return table(['INSTANCE', 'SOP', 'STEP', 'ACTOR', 'DUE', ''], rows);
}

export function renderList(list: ListedInstance[], cal: OfficeCalendar): string[] {
  if (list.length === 0) return ['no instances'];
  const rows = list.map((i) => [i.id, i.sop, i.status + (i.outcome ? `:${i.outcome}` : ''), i.current ?? '-', local(i.startedAt, cal), truncate(i.title, 30)]);
  return table(['INSTANCE', 'SOP', 'STATUS', 'CURRENT STEP', 'STARTED', 'TITLE'], rows);
}

export function renderHistory(h: { id: string; sop: string; title: string; entries: HistoryEntry[] }, cal: OfficeCalendar, width: number): string[] {
  const out = [`${h.id}  ${h.sop}  ${h.title}`, ''];
  for (const e of h.entries) {
    const who = `${actedBy(e)} (${how(e)})`;
    const what =
      e.type === 'started'
        ? 'started'
        : e.type === 'cancelled'
          ? 'cancelled'
          : e.type === 'reassigned' && e.reassigned
            ? `reassigned ${e.reassigned.actor} from ${e.reassigned.from} to ${e.reassigned.to}`
            : e.type === 'refused'
              ? `REFUSED${e.step ? ` at step ${e.stepNumber} ${e.stepName}` : ''}`
              : `completed step ${e.stepNumber} ${e.stepName}`;
    out.push(...labelled(`#${e.seq} ${local(e.at, cal)}  `, `${what} — ${who}`, width, 30));
    const detail = (label: string, text: string) => out.push(...labelled(`      ${label}`, text, width, 16));
    if (e.choiceLabel) detail('choice', `${e.choiceLabel} (${e.choice})`);
    for (const o of e.outputs) detail('output', o.given ? `${o.id}: given (sensitive, not stored)` : `${o.id}: sha256 ${o.sha256!.slice(0, 16)}…, ${o.size} bytes`);
    if (e.note) detail('note', e.note);
    if (e.reason) detail('reason', e.reason);
    if (e.timing) {
      const took = formatMinutes(e.timing.workingMinutes);
      const verdict = e.timing.onTime === null ? 'no time standard' : e.timing.onTime ? 'on time' : `LATE (due ${local(e.timing.dueAt!, cal)})`;
      detail('took', `${took} working time against ${e.timing.standard ?? '-'}: ${verdict}`);
    }
  }
  return out;
}

/**
 * Who acted, as the record reads: "rina as Kepala Bidang Persandian";
 * a deputy "dewi, Plh. Kepala Bidang Persandian, a.n. rina"; an emergency
 * action "by admin on behalf of budi (reason)".
 */
export function actedBy(e: HistoryEntry): string {
  const role = e.roleName ?? e.role;
  // The reason on the same line: its line breaks (it may have some) become spaces.
  if (e.onBehalfOf) return `by ${e.user} on behalf of ${e.onBehalfOf.user} (${e.onBehalfOf.reason.replace(/\s*\n\s*/g, ' ')})${role ? ` as ${role}` : ''}`;
  if (e.deputy) return `${e.user}, ${e.deputy.title} ${role ?? '?'}, a.n. ${e.deputy.for}`;
  return `${e.user}${role ? ` as ${role}` : ''}`;
}

/** How the person proved who they were: their OS login, a password or token session (from a client), a program. */
function how(e: HistoryEntry): string {
  if (e.via === 'os-login') return `login ${e.osUser ?? '?'}`;
  if (e.via === 'program') return e.osUser ? `by a program, login ${e.osUser}` : 'by a program';
  return `${e.via === 'token' ? 'API token' : 'password'}${e.client ? ` from ${e.client}` : ''}`;
}

function formatMinutes(m: number): string {
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

function truncate(s: string, n: number): string {
  return [...s].length > n ? [...s].slice(0, n - 1).join('') + '…' : s;
}
