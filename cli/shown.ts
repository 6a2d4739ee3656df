/**
 * No step by mistake: `sop advance <id>` without `--step` completes the step
 * the person was last shown for that instance, and nothing else. `sop
 * status`, `sop tasks` and `sop advance` (which shows the next step)
 * remember, per person, which step of which instance they showed, at which
 * version of the instance; advance names that step and that version, so an
 * instance that moved on since (someone completed it first, or it looped
 * back to the same step) is a `store.conflict`, not a step the person never
 * saw.
 *
 * Kept in `$XDG_STATE_HOME/sop/shown.json` (default
 * `~/.local/state/sop/shown.json`), keyed by the store (its file, or the
 * server), then by the person (the OS login running the command), then by
 * instance. It is a convenience of one person's terminal, not a record:
 * when it cannot be read or written, advance asks for `--step`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { osLogin } from './identity.js';

/** What was shown of one instance: its current step, at that version. */
export interface Shown {
  step: string;
  version: number;
  at: string;
  /** For what a request took (see shownForRequest): its instance. */
  instance?: string;
}

type Memory = Record<string, Record<string, Record<string, Shown>>>;

/** At most this many instances are remembered per store and person (the most recently shown). */
const KEEP = 1000;

/** Where the memory is kept. */
export function shownFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'sop', 'shown.json');
}

/** The store a command works on: the server when SOP_SERVER is set, else the database file. */
function storeKey(db: string, env: NodeJS.ProcessEnv): string {
  return env.SOP_SERVER ? `server:${env.SOP_SERVER}` : `file:${db === ':memory:' ? db : resolve(db)}`;
}

function read(file: string): Memory {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Memory) : {};
  } catch {
    return {};
  }
}

/** The step last shown of instance `id` on store `db` to the person running this, if any. */
export function lastShown(db: string, id: string, env: NodeJS.ProcessEnv = process.env): Shown | undefined {
  const shown = read(shownFile(env))[storeKey(db, env)]?.[osLogin()]?.[id];
  return shown && typeof shown.step === 'string' && Number.isInteger(shown.version) ? shown : undefined;
}

/**
 * What an advance with request id `requestId` took from the memory the
 * first time it ran: a retry with the same id takes the same step and
 * version (so it is the same request, answered from the record), even
 * though the first run remembered the next step meanwhile.
 */
export function shownForRequest(db: string, requestId: string, id: string, env: NodeJS.ProcessEnv = process.env): Shown | undefined {
  const shown = read(shownFile(env))[storeKey(db, env)]?.[osLogin()]?.[`request:${requestId}`];
  return shown && shown.instance === id && typeof shown.step === 'string' && Number.isInteger(shown.version) ? shown : undefined;
}

/** Keeps what an advance with request id `requestId` takes from the memory, before it runs (see shownForRequest). */
export function rememberRequest(db: string, requestId: string, id: string, shown: Shown, env: NodeJS.ProcessEnv = process.env): void {
  update(db, env, (mine, at) => {
    mine[`request:${requestId}`] = { step: shown.step, version: shown.version, at, instance: id };
  });
}

/**
 * Remembers the steps just shown (`shown`: instance, step, version) and
 * forgets the instances shown without one (`finished`). Never fails the
 * command: what cannot be written is simply not remembered.
 */
export function rememberShown(db: string, shown: { instance: string; step: string; version: number }[], finished: string[] = [], env: NodeJS.ProcessEnv = process.env): void {
  if (shown.length === 0 && finished.length === 0) return;
  update(db, env, (mine, at) => {
    for (const id of finished) delete mine[id];
    for (const s of shown) mine[s.instance] = { step: s.step, version: s.version, at };
  });
}

/** Reads the memory, lets `change` change this person's part of it on this store, and writes it back. */
function update(db: string, env: NodeJS.ProcessEnv, change: (mine: Record<string, Shown>, at: string) => void): void {
  const file = shownFile(env);
  try {
    const memory = read(file);
    const key = storeKey(db, env);
    const store = memory[key] ?? {};
    memory[key] = store;
    const mine = store[osLogin()] ?? {};
    store[osLogin()] = mine;
    change(mine, new Date().toISOString());
    const ids = Object.keys(mine);
    if (ids.length > KEEP) {
      for (const id of ids.sort((a, b) => (mine[a]!.at < mine[b]!.at ? -1 : 1)).slice(0, ids.length - KEEP)) delete mine[id];
    }
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    // Written whole, then renamed over the old one: a reader never sees half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(memory), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Not remembered: advance will ask for --step.
  }
}
