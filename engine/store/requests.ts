/**
 * Recorded requests: what each changing command answered, under the id its
 * caller gave it, so that a retry is answered from the record instead of
 * being applied again.
 */
import type Database from 'better-sqlite3';
import { SopError } from '../errors.js';
import type { ErrorCode, ErrorData, Problem } from '../errors.js';

/** What identifies a request and what it asked for. */
export interface RequestKey {
  id: string;
  command: string;
  /** SHA-256 of what the command was asked to do (see runtime/requests.ts). */
  argsHash: string;
}

/**
 * The answer a request gave: its result, or the refusal it was given.
 * (Stores written before version 0.2 also kept a hint and an exit code in
 * the refusal; a retry ignores them: the presenter derives both from the code.)
 */
export type RecordedAnswer = { ok: unknown } | { error: { code: string; message: string; data?: ErrorData; problems?: Problem[] } };

export interface RecordedRequest extends RequestKey {
  logSeq: number;
  answer: RecordedAnswer;
  at: string;
}

interface RequestRow {
  id: string;
  command: string;
  args_hash: string;
  log_seq: number;
  answer: string;
  at: string;
}

export class Requests {
  private readonly selectOne: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare('SELECT * FROM requests WHERE id = ?');
    this.insert = db.prepare('INSERT INTO requests (id, command, args_hash, log_seq, answer, at) VALUES (?, ?, ?, ?, ?, ?)');
  }

  get(id: string): RecordedRequest | undefined {
    const row = this.selectOne.get(id) as RequestRow | undefined;
    if (row === undefined) return undefined;
    return { id: row.id, command: row.command, argsHash: row.args_hash, logSeq: row.log_seq, answer: JSON.parse(row.answer) as RecordedAnswer, at: row.at };
  }

  /** Call inside the write transaction of the request's own entries. */
  record(key: RequestKey, logSeq: number, answer: RecordedAnswer, at: string): void {
    this.insert.run(key.id, key.command, key.argsHash, logSeq, JSON.stringify(answer), at);
  }
}

/** The answer to give again: the recorded result, or the recorded refusal thrown anew. */
export function answerAgain(recorded: RecordedRequest): unknown {
  const a = recorded.answer;
  if ('ok' in a) return a.ok;
  const { code, message, data, problems } = a.error;
  // Codes are stable: a recorded one is known to every later build.
  throw new SopError(code as ErrorCode, message, { ...(data ? { data } : {}), ...(problems?.length ? { problems } : {}) });
}

export function answerOf(e: SopError): RecordedAnswer {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(Object.keys(e.data).length ? { data: e.data } : {}),
      ...(e.problems.length ? { problems: e.problems } : {}),
    },
  };
}
