/**
 * Request ids: every changing command carries one, so that a command retried
 * after a timeout or a crash is applied once and answers as it did the first
 * time. A request is recorded in the same transaction as the log entries it
 * wrote, so a crash leaves both or neither.
 */
export const sql = `
CREATE TABLE requests (
  id         TEXT PRIMARY KEY,                     -- chosen by the caller (--request-id), or random
  command    TEXT NOT NULL,                        -- e.g. 'advance'
  args_hash  TEXT NOT NULL,                        -- SHA-256 of the canonical JSON of {command, user, args}: a retry must ask the same
  log_seq    INTEGER NOT NULL REFERENCES log(seq), -- the last log entry the request wrote
  answer     TEXT NOT NULL,                        -- JSON: {"ok": result} or {"error": {code, message, hint, exitCode}}
  at         TEXT NOT NULL                         -- ISO 8601 UTC
);
CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
  BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
  BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
`;
