/**
 * The second half of a whole-log chain check, on the other core. A chain
 * check needs, for each entry, only the entry and the recorded hash of the
 * entry before it, so the log splits into ranges that are checked apart and
 * give exactly the breaks one pass would. Started by chain-pass.ts; answers
 * once, on the port it was given, then raises the flag.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkRange, type RangeRequest } from './chain-range.js';

const { request, port, flag } = workerData as { request: RangeRequest; port: MessagePort; flag: Int32Array };
let answer: unknown;
try {
  const db = new Database(request.file, { readonly: true, fileMustExist: true });
  try {
    answer = { ok: true, result: checkRange(db, request) };
  } finally {
    db.close();
  }
} catch (e) {
  answer = { ok: false, error: e instanceof Error ? e.message : String(e) };
}
port.postMessage(answer);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
