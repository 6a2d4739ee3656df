/**
 * The whole-log chain check. A large log is split in two at the middle: the
 * other half goes to a worker thread on the second core while this thread
 * checks the first, and the two results join as one pass would give them.
 * verifyStore stays synchronous: the worker answers on a MessagePort read
 * with receiveMessageOnPort once it raises a shared flag.
 */
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { checkRange, type RangeRequest, type RangeResult } from './chain-range.js';
import { joinRuns, requestOf } from './request-runs.js';

/** Below this many entries a worker's start-up (about 50 ms) costs more than it saves. */
export const PARALLEL_FROM = 200_000;

export function checkWholeChain(db: Database.Database, file: string, head: number, checkpointSeq?: number): RangeResult {
  const base = { file: resolve(file), ...(checkpointSeq !== undefined ? { checkpointSeq } : {}) };
  if (head < PARALLEL_FROM || availableParallelism() < 2 || file === ':memory:') return checkRange(db, { ...base, from: 1, to: head });
  const mid = Math.floor(head / 2);
  const second = startWorker({ ...base, from: mid + 1, to: head });
  const first = checkRange(db, { ...base, from: 1, to: mid });
  const rest = second.result();
  const payloadAt = db.prepare('SELECT payload FROM log WHERE seq = ?').pluck();
  const repeated = joinRuns(first.requests, rest.requests, (seq) => requestOf((payloadAt.get(seq) as string | undefined) ?? ''));
  return {
    count: first.count + rest.count,
    breaks: [...first.breaks, ...rest.breaks, ...repeated],
    users: [...first.users, ...rest.users],
    definitions: [...first.definitions, ...rest.definitions],
    atCheckpoint: first.atCheckpoint ?? rest.atCheckpoint,
    last: rest.count > 0 ? rest.last : first.last,
    requests: first.requests,
  };
}

function startWorker(request: RangeRequest): { result(): RangeResult } {
  // Required here, not at the top: the CLI is one bundle, and every command would load it.
  const { MessageChannel, Worker, receiveMessageOnPort } = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./chain-worker.js', import.meta.url), { workerData: { request, port: port2, flag }, transferList: [port2] });
  return {
    result() {
      Atomics.wait(flag, 0, 0);
      const answer = receiveMessageOnPort(port1)?.message as { ok: true; result: RangeResult } | { ok: false; error: string } | undefined;
      port1.close();
      void worker.terminate();
      if (!answer) throw new Error('the chain worker ended without an answer');
      if (!answer.ok) throw new Error(`the chain worker failed: ${answer.error}`);
      return answer.result;
    },
  };
}
