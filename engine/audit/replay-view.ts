/**
 * `sop replay`: an instance rebuilt event by event through the XState
 * machine of the definition it is pinned to, with the state after each
 * event, and whether the result equals the state the store recorded.
 */
import type { RuntimeState } from '../machine/instance-state.js';
import type { Store } from '../store/index.js';
import { printable } from '../text.js';
import type { Break } from './breaks.js';
import { replayInstance } from './instance-replay.js';
import { SopError } from '../errors.js';
import type { SopDefinition } from '../definition/types.js';

export interface ReplayStep {
  seq: number;
  at: string;
  type: string;
  user: string;
  step: string | null;
  choice: string | null;
  /** The instance version the event created; null for a refused attempt, which changes nothing. */
  version: number | null;
  state: RuntimeState;
}

export interface ReplayView {
  id: string;
  sop: string;
  revision: number | null;
  definitionHash: string | null;
  /** Where the replay stopped, when --until was given. */
  until: { seq: number } | { at: string } | null;
  events: ReplayStep[];
  /** The state the replayed events lead to. */
  final: RuntimeState | null;
  /** The state the store recorded. */
  recorded: RuntimeState;
  /** Whether the replay equals the recorded state; null when it stopped before the last event. */
  matches: boolean | null;
  /** What differs, or why the replay could not run. */
  breaks: Break[];
}

/** Replays instance `id` of `store` (up to `until`, a log seq or a time); `definition` reads a stored definition by hash. */
export function replayRecorded(store: Store, id: string, definition: (hash: string) => SopDefinition | undefined, options: { until?: number | Date } = {}): ReplayView {
  const inst = store.getInstance<RuntimeState>(id);
  if (!inst) throw new SopError('instance.unknown', `no instance "${printable(id)}" in ${store.path}`, { data: { instance: id, file: store.path } });
  const all = [...store.audit.eventRows(inst.id)];
  const until = options.until;
  const kept = until === undefined ? all : all.filter(([seq, , , at]) => (typeof until === 'number' ? seq <= until : Date.parse(at) <= until.getTime()));
  if (kept.length === 0) {
    throw new SopError('replay.nothing', `no event of instance ${inst.id} is at or before ${typeof until === 'number' ? `entry ${until}` : until!.toISOString()}`, {
      data: { instance: inst.id, firstSeq: all[0]?.[0] ?? null, firstAt: all[0]?.[3] ?? null },
    });
  }
  const complete = kept.length === all.length;
  const [row] = store.audit.instanceRows(inst.id);
  const r = replayInstance({ id: inst.id, row, rows: kept, definition, steps: true, compare: complete });
  const def = r.definitionHash ? definition(r.definitionHash) : undefined;
  return {
    id: inst.id,
    sop: inst.sopId,
    revision: def?.revision ?? null,
    definitionHash: r.definitionHash,
    until: until === undefined ? null : typeof until === 'number' ? { seq: until } : { at: until.toISOString() },
    events: r.events.map((e) => ({
      seq: e.seq,
      at: e.at,
      type: e.event.type,
      user: e.event.by?.user ?? '',
      step: e.event.step ?? null,
      choice: e.event.choice ?? null,
      version: e.version,
      state: e.state,
    })),
    final: r.final,
    recorded: inst.state,
    matches: complete ? r.breaks.length === 0 : null,
    breaks: r.breaks,
  };
}
