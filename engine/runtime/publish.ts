/**
 * `publish`: what the office runs. A person with the maintainer right (or
 * an administrator) publishes an SOP definition, checked as `validate`
 * checks it, from its tanggal efektif on; or the office calendar. Instances
 * start only from a publication in effect, never from a file.
 */
import { SopError } from '../errors.js';
import { calendarToJson } from '../calendar/calendar-json.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import type { SopDefinition } from '../definition/types.js';
import type { Published, User } from '../store/index.js';
import type { Context } from './context.js';
import { actingUser, actorMeta } from './people.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The acting person, who must hold the maintainer right or be an administrator. */
export function requireMaintainer(ctx: Context, action: string): User {
  const me = actingUser(ctx);
  if (!me.isMaintainer && !me.isAdmin) {
    throw new SopError('auth.not-maintainer', `only a maintainer or an administrator may ${action}; "${me.name}" is neither`, { data: { user: me.name, action } });
  }
  return me;
}

function checkDate(text: string): string {
  const m = DATE.exec(text);
  const real = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === text;
  if (!real) throw new SopError('publish.invalid-date', `"${text.slice(0, 40)}" is not a date as YYYY-MM-DD`, { data: { date: text } });
  return text;
}

/**
 * Publishes SOP `id` of the engine's source (folder or memory) from its
 * tanggal efektif (`identity.effectiveOn`, or `effectiveOn`) on. The same
 * definition already published from the same date is not published again.
 */
export function publishSop(ctx: Context, id: string, options: { effectiveOn?: string } = {}): Published {
  requireMaintainer(ctx, 'publish SOPs');
  return publishDefinition(ctx, ctx.sops.load(id), options);
}

/** Publishes a checked definition (from the source, or sent as text to the server: publish-text.ts). */
export function publishDefinition(ctx: Context, def: SopDefinition, options: { effectiveOn?: string } = {}): Published {
  requireMaintainer(ctx, 'publish SOPs');
  const effectiveOn = checkDate(options.effectiveOn ?? def.identity.effectiveOn);
  const tx = ctx.writes;
  const hash = tx.putDefinition(def);
  const same = ctx.store
    .publishedSops(def.id)
    .reverse()
    .find((p) => p.hash === hash && p.effectiveOn === effectiveOn);
  if (same) return same;
  return tx.publish({ kind: 'sop', hash, sop: def.id, revision: def.revision, effectiveOn }, actorMeta(ctx));
}

/** Publishes the office calendar of the engine's source: due times count in it from now on. */
export function publishCalendar(ctx: Context): Published {
  requireMaintainer(ctx, 'publish the office calendar');
  if (!ctx.sops.hasCalendar()) {
    throw new SopError('calendar.missing', `${ctx.sops.name} has no office calendar (calendar.yaml) to publish`, { data: { source: ctx.sops.name } });
  }
  return publishCalendarOf(ctx, ctx.sops.calendar());
}

/** Publishes a checked office calendar (from the source, or sent as text to the server). */
export function publishCalendarOf(ctx: Context, calendar: OfficeCalendar): Published {
  requireMaintainer(ctx, 'publish the office calendar');
  const tx = ctx.writes;
  const hash = tx.putCalendar(calendarToJson(calendar));
  const current = ctx.store.publishedCalendar('9999-12-31');
  if (current?.published.hash === hash) return current.published;
  return tx.publish({ kind: 'calendar', hash, effectiveOn: ctx.today() }, actorMeta(ctx));
}

/** The publication of SOP `sopId` a new instance starts with today: SopError when there is none in effect. */
export function publicationInEffect(ctx: Context, sopId: string): Published {
  const today = ctx.today();
  const pub = ctx.store.publishedSop(sopId, today);
  if (pub) return pub;
  const later = ctx.store.publishedSops(sopId);
  if (later.length > 0) {
    const first = later.map((p) => p.effectiveOn).sort()[0]!;
    throw new SopError('sop.not-yet-effective', `SOP "${sopId}" is published, but takes effect only on ${first}`, { data: { sop: sopId, effectiveOn: first, today } });
  }
  const published = [...new Set(ctx.store.publishedSops().map((p) => p.sop!))];
  throw new SopError('sop.not-published', `SOP "${sopId}" has not been published`, { data: { sop: sopId, published } });
}
