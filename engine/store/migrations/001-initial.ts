/**
 * The first schema. Never edit a migration that has shipped: add the next
 * numbered file instead, so every existing database walks the same path.
 * (The hash chain columns joined this one before any release.)
 */
export const sql = `
-- One global, append-only log of everything that happened: definitions
-- stored, instance events (including refusals), user and role changes.
-- Each entry is hashed with the hash of the one before it (engine/store/
-- chain.ts): hash = SHA-256("sop.log.v1" LF prev_hash LF canonical entry),
-- so an edited, deleted, inserted or moved entry breaks the chain.
CREATE TABLE log (
  seq         INTEGER PRIMARY KEY,                -- given by the log: the head's seq + 1 (log.ts)
  kind        TEXT NOT NULL CHECK (kind IN ('definition', 'event', 'user')),
  instance_id TEXT NULL REFERENCES instances(id),
  version     INTEGER NULL CHECK (version IS NULL OR version >= 1),  -- the instance version this entry creates; NULL for refusals and non-events
  at          TEXT NOT NULL,                      -- ISO 8601 UTC
  payload     TEXT NOT NULL,                      -- canonical JSON
  prev_hash   TEXT NOT NULL,                      -- hash of the entry before (64 zeros for the first)
  hash        TEXT NOT NULL                       -- this entry's chain hash
);
-- An instance's entries in log order. (Each event's version is checked
-- against the instance's in the same IMMEDIATE transaction that appends it,
-- and sop verify checks that the versions run 1, 2, 3 ...: a unique index
-- on them as well cost a page write on every event, a sixth of the work of
-- a durable commit.)
CREATE INDEX log_instance_seq ON log(instance_id, seq) WHERE instance_id IS NOT NULL;

-- The log is the truth: nothing may rewrite or remove it.
CREATE TRIGGER log_no_update BEFORE UPDATE ON log
  BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_no_delete BEFORE DELETE ON log
  BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;

-- Content-addressed definitions: hash = sha256 hex of body, and body is the
-- canonical JSON of the normalized definition, so the hash can be re-checked.
CREATE TABLE definitions (
  hash     TEXT PRIMARY KEY,
  sop_id   TEXT NOT NULL,
  revision INTEGER NOT NULL,
  body     TEXT NOT NULL,
  log_seq  INTEGER NOT NULL UNIQUE REFERENCES log(seq)  -- the entry that recorded it; orders "latest"
);
CREATE INDEX definitions_sop ON definitions(sop_id, revision, log_seq);
CREATE TRIGGER definitions_no_update BEFORE UPDATE ON definitions
  BEGIN SELECT RAISE(ABORT, 'definitions are immutable'); END;
CREATE TRIGGER definitions_no_delete BEFORE DELETE ON definitions
  BEGIN SELECT RAISE(ABORT, 'definitions are immutable'); END;

-- The current state of each instance: a cache that replaying its events
-- must reproduce exactly.
CREATE TABLE instances (
  id              TEXT PRIMARY KEY,
  sop_id          TEXT NOT NULL,
  definition_hash TEXT NOT NULL REFERENCES definitions(hash),
  title           TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('active', 'completed', 'cancelled')),
  outcome         TEXT NULL,
  version         INTEGER NOT NULL CHECK (version >= 1),
  state           TEXT NOT NULL,   -- canonical JSON
  started_by      TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX instances_status ON instances(status, started_at);
CREATE INDEX instances_sop ON instances(sop_id, status, started_at);

CREATE TABLE users (
  name       TEXT PRIMARY KEY,
  is_admin   INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  created_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  role TEXT NOT NULL,
  PRIMARY KEY (user, role)
) WITHOUT ROWID;
CREATE INDEX user_roles_role ON user_roles(role);

-- Stored outputs, deduplicated by content.
CREATE TABLE blobs (
  sha256  TEXT PRIMARY KEY,
  size    INTEGER NOT NULL,
  content BLOB NOT NULL
);
CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
  BEGIN SELECT RAISE(ABORT, 'stored outputs are immutable'); END;
CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
  BEGIN SELECT RAISE(ABORT, 'stored outputs are immutable'); END;
`;
