/**
 * A record that is true, not only unchanged (issue 11): who people are and
 * how they prove it, what the office has published to run, who stands in
 * for whom, and the writer's signing keys.
 *
 * The log keeps its three kinds: a publication is a `definition` entry (it
 * says what runs), and logins, rights, passwords set, tokens, delegations
 * and signing keys are `user` entries (they say who may do what). The tables
 * below that hold the same facts are caches of those entries, which
 * `sop verify` replays. Credentials, sessions and tokens are security
 * material outside the chain: only that a password was set or a token made
 * or revoked is in the log, never a secret or its hash.
 */
export const sql = `
-- Who a person is: the OS login bound to them (direct file mode), whether
-- they may publish SOPs, and how documents name them.
ALTER TABLE users ADD COLUMN login TEXT NULL;
CREATE UNIQUE INDEX users_login ON users(login) WHERE login IS NOT NULL;
ALTER TABLE users ADD COLUMN is_maintainer INTEGER NOT NULL DEFAULT 0 CHECK (is_maintainer IN (0, 1));
ALTER TABLE users ADD COLUMN full_name TEXT NULL;
ALTER TABLE users ADD COLUMN nip TEXT NULL;
ALTER TABLE users ADD COLUMN jabatan TEXT NULL;

-- Passwords, only as slow salted hashes (scrypt); must_change: set by an
-- administrator, to be changed at the first login.
CREATE TABLE credentials (
  user          TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  must_change   INTEGER NOT NULL CHECK (must_change IN (0, 1)),
  changed_at    TEXT NOT NULL
) WITHOUT ROWID;

-- A login's session and a person's API tokens: only the SHA-256 of the secret is kept.
CREATE TABLE sessions (
  id_hash    TEXT PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  client     TEXT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user);
CREATE TABLE api_tokens (
  id         TEXT PRIMARY KEY,       -- public, shown in lists and in the log
  user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE,   -- SHA-256 of the secret
  created_at TEXT NOT NULL,
  revoked_at TEXT NULL
) WITHOUT ROWID;

-- Office calendars, content-addressed like definitions.
CREATE TABLE calendars (
  hash    TEXT PRIMARY KEY,
  body    TEXT NOT NULL,             -- canonical JSON of the calendar
  log_seq INTEGER NOT NULL UNIQUE REFERENCES log(seq)
) WITHOUT ROWID;
CREATE TRIGGER calendars_no_update BEFORE UPDATE ON calendars
  BEGIN SELECT RAISE(ABORT, 'calendars are immutable'); END;
CREATE TRIGGER calendars_no_delete BEFORE DELETE ON calendars
  BEGIN SELECT RAISE(ABORT, 'calendars are immutable'); END;

-- What has been published to run: an SOP definition (with its tanggal
-- efektif) or the office calendar. A cache of the publication entries.
CREATE TABLE publications (
  log_seq      INTEGER PRIMARY KEY REFERENCES log(seq),
  kind         TEXT NOT NULL CHECK (kind IN ('sop', 'calendar')),
  sop_id       TEXT NULL,            -- for an SOP
  hash         TEXT NOT NULL,        -- the definition's or the calendar's
  revision     INTEGER NULL,
  effective_on TEXT NOT NULL         -- YYYY-MM-DD
);
CREATE INDEX publications_sop ON publications(kind, sop_id, effective_on, log_seq);
CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications
  BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;
CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications
  BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;

-- A deputy (Plt. or Plh.) who acts in a holder's role for a period. A cache
-- of the delegate and end-delegation entries.
CREATE TABLE delegations (
  id        TEXT PRIMARY KEY,
  role      TEXT NOT NULL,
  holder    TEXT NOT NULL,
  deputy    TEXT NOT NULL,
  title     TEXT NOT NULL CHECK (title IN ('Plt.', 'Plh.')),
  starts_at TEXT NOT NULL,           -- ISO 8601 UTC, inclusive
  ends_at   TEXT NOT NULL,           -- ISO 8601 UTC, exclusive
  ended_at  TEXT NULL                -- ended early
) WITHOUT ROWID;
CREATE INDEX delegations_deputy ON delegations(deputy, role);

-- The public keys the writer signs checkpoints with (the private key is a
-- file outside the store). A cache of the key-add and key-retire entries.
CREATE TABLE signing_keys (
  id          TEXT PRIMARY KEY,
  public_key  TEXT NOT NULL,         -- SPKI DER, base64
  added_seq   INTEGER NOT NULL REFERENCES log(seq),
  retired_seq INTEGER NULL REFERENCES log(seq)
) WITHOUT ROWID;

-- Nothing that runs reads the SOP folder any more: instances start from
-- published definitions, and due times use the published calendar.
DROP TABLE source_cache;
`;
