/**
 * SQLite before 3.51.3 can corrupt a WAL database when several processes
 * write to it at once, which is exactly how offices use sop. A store is
 * evidence that must last years, so sop reads with an older library but
 * refuses to write.
 */
import { SopError } from '../errors.js';

export const MINIMUM_SQLITE = '3.51.3';

/** Whether SQLite `version` ("3.53.2", "3.51.3.1") is at least 3.51.3. Pure. */
export function sqliteVersionOk(version: string, minimum: string = MINIMUM_SQLITE): boolean {
  const have = parts(version);
  const need = parts(minimum);
  if (have === undefined || need === undefined) return false;
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function parts(version: string): number[] | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(version);
  return m
    ? m
        .slice(1)
        .filter((p) => p !== undefined)
        .map(Number)
    : undefined;
}

/** The refusal for a write on a library older than 3.51.3. */
export function sqliteTooOld(version: string): SopError {
  return new SopError('store.sqlite-too-old', `this sop runs on SQLite ${version}, older than ${MINIMUM_SQLITE}, which can corrupt a shared store when several people write at once; sop only reads with it`, {
    data: { version, minimum: MINIMUM_SQLITE },
  });
}
