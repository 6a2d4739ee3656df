/**
 * The office of the authority tests: an engine on a store file with a
 * clock the test moves (a delegation's period is judged at the engine's
 * time), the seeds published, and the log read back to show what each
 * refusal wrote: one refused event, and nothing else.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Engine, type SopSource, isSopError } from '../../engine/index.js';
import { Store } from '../../engine/store/index.js';
import type { LogEntry, SopEvent, UserChange } from '../../engine/store/types.js';
import { officeWith, type TestOffice } from '../helpers/engine.js';
import { tempDir } from '../helpers/cli.js';

/** A WITA wall-clock time as an instant: wita('2026-11-23 09:00') is 01:00Z. */
export const wita = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

export interface AuthorityOffice extends TestOffice {
  db: string;
  /** Moves the engine's clock (forward only: the log refuses time going back). */
  at(local: string): void;
  /** The log entries written after `seq`. */
  since(seq: number): LogEntry[];
  head(): number;
}

export async function authorityOffice(people: Record<string, string[]>, options: { sops?: string | SopSource } = {}): Promise<AuthorityOffice> {
  const db = join(tempDir('sop-authority-'), 'sop.db');
  let now = wita('2026-11-23 08:00');
  const office = await officeWith(db, people, { clock: () => now, ...(options.sops ? { sops: options.sops } : {}) });
  const read = <T>(fn: (store: Store) => T): T => {
    const store = Store.open(db, { mustExist: true });
    try {
      return fn(store);
    } finally {
      store.close();
    }
  };
  return {
    ...office,
    db,
    at: (local) => {
      now = wita(local);
    },
    since: (seq) => read((s) => s.logSince(seq)),
    head: () => read((s) => s.head().seq),
  };
}

/** The payload of a log entry. */
export const payload = <T = SopEvent | UserChange>(e: LogEntry): T => JSON.parse(e.payload) as T;

/**
 * Runs `fn`, which must be refused with `code`; checks that the refusal wrote
 * exactly one entry, a refused event of `instance` naming the code (or, with
 * `instance` null, nothing at all), and returns the error.
 */
export async function refusedAndRecorded(office: AuthorityOffice, instance: string | null, code: string, fn: () => Promise<unknown>) {
  const before = office.head();
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSopError(error) ? error.code : error).toBe(code);
  const written = office.since(before);
  if (instance === null) {
    expect(written).toEqual([]);
  } else {
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ kind: 'event', instanceId: instance, version: null });
    const event = payload<SopEvent>(written[0]!);
    expect(event.type).toBe('refused');
    expect(event.reason).toMatch(new RegExp(`^${code.replace('.', '\\.')}: `));
  }
  return error as Error & { data: Record<string, unknown> };
}

/** The engine acting for `user`. */
export const as = (office: TestOffice, user: string): Engine => office.as(user);
