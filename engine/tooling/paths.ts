/**
 * Every path of a procedure from its start to each end: the best and worst
 * case for a maintainer, and the list of walks a tester must try. A loop is
 * walked at most once: each arrow that closes a loop (see flowArrows) is
 * taken at most once per path, and a path that takes one is flagged.
 */
import { SopError } from '../errors.js';
import type { SopDefinition, Step, End } from '../definition/types.js';
import { parseClock } from '../calendar/calendar.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { addDurations, formatTotal } from '../definition/duration.js';
import type { Duration, DurationTotal } from '../definition/duration.js';
import { flowArrows } from '../definition/flow-graph.js';
import type { FlowArrow } from '../definition/flow-graph.js';

export interface PathStep {
  id: string;
  number: string;
  activity: string;
  actor: string;
  actorName: string;
  time: Duration | null;
  /** The waktu as written, e.g. "10 Menit"; null when the step has none. */
  timeText: string | null;
  /** The exit taken, on a decision. */
  choice: { id: string; label: string } | null;
  /** True when the path reaches this step again through a loop. */
  again: boolean;
}

export interface SopPath {
  /** 1-based, shortest first; paths of equal length in the order of the walk (exits in the order written). */
  number: number;
  end: End;
  steps: PathStep[];
  /** The actors of the path, in the order they first act. */
  actors: { id: string; name: string }[];
  /** Working days and working minutes, kept apart; text as "4 Hari + 1 Jam 25 Menit". */
  total: DurationTotal & { text: string };
  /** The total in working minutes, a day counted as `minutesPerDay`: the order of shortest and longest. */
  workingMinutes: number;
  /** Steps of the path without a waktu (counted as nothing). */
  untimedSteps: number;
  /** The arrows that close a loop and that this path takes (each once). */
  loops: { from: string; to: string; label: string | null }[];
  shortest: boolean;
  longest: boolean;
}

export interface SopPaths {
  sop: string;
  name: string;
  /** Working minutes in a working day, used only to order paths. */
  minutesPerDay: number;
  paths: SopPath[];
}

export interface PathOptions {
  /** Working minutes per working day, to order paths that mix days and minutes (default 480). */
  minutesPerDay?: number;
  /** Refuse beyond this many paths (default 5,000): a list that long helps no one. */
  maxPaths?: number;
}

/**
 * Beyond this many arrows followed, or steps held in the paths found, the
 * walk gives up: a hostile or tangled flow must not hang the command or fill
 * its memory.
 */
const MAX_WORK = 1_000_000;

/**
 * Lists every path from the start to an end. Throws SopError `paths.too-many`
 * when the flow has more paths than `maxPaths`.
 *
 * @example sopPaths(loadSop('sops', 'pengecualian-smki'), { minutesPerDay: 450 }).paths.length // 3
 */
export function sopPaths(def: SopDefinition, options: PathOptions = {}): SopPaths {
  const minutesPerDay = options.minutesPerDay ?? 480;
  const maxPaths = options.maxPaths ?? 5_000;
  const arrows = flowArrows(def);
  const steps = new Map(def.steps.map((s) => [s.id, s]));
  const ends = new Map(def.ends.map((e) => [e.id, e]));
  const actorName = new Map(def.actors.map((a) => [a.id, a.name]));

  const found: { trail: { step: Step; arrow: FlowArrow; again: boolean }[]; end: End }[] = [];
  // The walk: one frame per step on the current path, with the next arrow to try and the loop arrow it holds.
  const trail: { step: Step; arrows: FlowArrow[]; next: number; again: boolean; holding: string | null }[] = [];
  const visits = new Map<string, number>();
  const loopsTaken = new Set<string>();
  const enter = (id: string) => {
    const step = steps.get(id)!;
    const times = visits.get(id) ?? 0;
    visits.set(id, times + 1);
    trail.push({ step, arrows: arrows.get(id) ?? [], next: 0, again: times > 0, holding: null });
  };
  enter(def.start);
  let work = 0;
  while (trail.length > 0) {
    const top = trail[trail.length - 1]!;
    // Back at this frame: the loop arrow it took is free again for other paths.
    if (top.holding !== null) {
      loopsTaken.delete(top.holding);
      top.holding = null;
    }
    if (top.next >= top.arrows.length) {
      visits.set(top.step.id, visits.get(top.step.id)! - 1);
      trail.pop();
      continue;
    }
    const arrow = top.arrows[top.next++]!;
    if (++work > MAX_WORK) throw tooMany(def, 'over a million arrows to follow');
    if (arrow.loop) {
      const key = `${arrow.from}\u0000${arrow.index}`;
      if (loopsTaken.has(key)) continue;
      loopsTaken.add(key);
      top.holding = key;
    }
    const end = ends.get(arrow.to);
    if (end) {
      if (found.length >= maxPaths) throw tooMany(def, `more than ${maxPaths.toLocaleString('en')}`);
      work += trail.length;
      if (work > MAX_WORK) throw tooMany(def, 'over a million steps in all');
      found.push({ end, trail: trail.map((f) => ({ step: f.step, arrow: f.arrows[f.next - 1]!, again: f.again })) });
      continue;
    }
    enter(arrow.to);
  }

  const paths: SopPath[] = found.map(({ trail: walked, end }) => {
    const total = addDurations(walked.map((w) => w.step.time));
    const actors: { id: string; name: string }[] = [];
    for (const w of walked) {
      if (!actors.some((a) => a.id === w.step.actor)) actors.push({ id: w.step.actor, name: actorName.get(w.step.actor) ?? w.step.actor });
    }
    return {
      number: 0,
      end,
      steps: walked.map(({ step, arrow, again }) => ({
        id: step.id,
        number: step.number,
        activity: step.activity,
        actor: step.actor,
        actorName: actorName.get(step.actor) ?? step.actor,
        time: step.time,
        timeText: step.timeText,
        choice: arrow.choice !== null ? { id: arrow.choice, label: arrow.label ?? arrow.choice } : null,
        again,
      })),
      actors,
      total: { ...total, text: formatTotal(total) },
      workingMinutes: total.days * minutesPerDay + total.minutes,
      untimedSteps: walked.filter((w) => w.step.time === null).length,
      loops: walked.filter((w) => w.arrow.loop).map((w) => ({ from: w.arrow.from, to: w.arrow.to, label: w.arrow.label })),
      shortest: false,
      longest: false,
    };
  });
  // Best case first, worst case last; paths of equal length keep the order of the walk.
  paths.sort((a, b) => a.workingMinutes - b.workingMinutes);
  for (const [i, p] of paths.entries()) p.number = i + 1;
  const least = Math.min(...paths.map((p) => p.workingMinutes));
  const most = Math.max(...paths.map((p) => p.workingMinutes));
  for (const p of paths) {
    p.shortest = p.workingMinutes === least;
    p.longest = p.workingMinutes === most;
  }
  return { sop: def.id, name: def.identity.name, minutesPerDay, paths };
}

function tooMany(def: SopDefinition, reason: string): SopError {
  return new SopError('paths.too-many', `SOP "${def.id}" has too many paths from its start to its ends to list (${reason})`, {
    data: { sop: def.id },
  });
}

/**
 * The working minutes of an average working day of the calendar: its working
 * week divided by its working days (the seed office: 450, 7.5 hours).
 */
export function workingDayMinutes(calendar: OfficeCalendar): number {
  let minutes = 0;
  let days = 0;
  for (const intervals of Object.values(calendar.workingHours)) {
    const day = intervals.reduce((sum, iv) => sum + (parseClock(iv.end) ?? 0) - (parseClock(iv.start) ?? 0), 0);
    if (day > 0) {
      minutes += day;
      days++;
    }
  }
  return days > 0 ? Math.round(minutes / days) : 480;
}
