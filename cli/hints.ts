/**
 * What a person at the terminal should do next, for each engine error: the
 * engine says what happened (its code and data); the hint names the `sop`
 * command or option that helps. The web has hints of its own.
 */
import { MAX_NOTE, type ErrorCode, type ErrorData, type SopError } from '../engine/index.js';

type Hint = (d: ErrorData) => string | undefined;

/**
 * A fact of the error as text; `placeholder` when it is missing (a refusal
 * recorded by an older sop, replayed for a retry, carries no data).
 */
function str(v: unknown, placeholder = '<...>'): string {
  if (v === undefined || v === null || v === '') return placeholder;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

const HINTS: Partial<Record<ErrorCode, Hint>> = {
  'assign.role-actor': (d) => `an administrator grants it: sop user grant <user> ${str(d.actor, '<actor-id>')}`,
  'assign.unknown-actor': (d) => (list(d.caseActors).length ? `actors bound per instance: ${list(d.caseActors).join(', ')}` : 'this SOP has no actors bound per instance'),
  'auth.not-actor': (d) =>
    typeof d.bound === 'string'
      ? `in this instance the step is ${d.bound}'s: ${d.bound} completes it, as their own login`
      : `someone with the role acts (see sop user list), or an administrator grants it: sop user grant ${str(d.user, '<user>')} ${str(d.role, '<role>')}`,
  'auth.not-admin': () => 'ask an administrator (see `sop user list`) to do it',
  'auth.separation': (d) =>
    typeof d.completed === 'string'
      ? `someone else completes it: this step is kept apart from step ${d.completed}, which you did`
      : `someone else who may completes it: a person of the case (${str(d.caseActor, 'pemohon')}) does not do another actor's step of it, unless the SOP says allowCaseActor: true`,
  'delegation.ended': () => 'see sop delegation list --all',
  'delegation.invalid': () => 'e.g. sop delegate <role> --holder <user> --deputy <user> --title Plh. --from 2026-11-23 --until 2026-11-27',
  'delegation.not-holder': (d) => `a deputy stands in for someone who holds the role; ${str(d.holder, 'they')} hold: ${list(d.roles).join(', ') || 'no roles'} (see sop user list)`,
  'delegation.unknown': () => 'see sop delegation list --all',
  'reassign.invalid-reason': () => 'say why: --reason "..."',
  'reassign.same-person': (d) => `see who is bound: sop status ${str(d.instance, '<instance>')}`,
  'store.delegation-exists': () => 'run the command again',
  'user.has-active-cases': (d) =>
    `reassign them first: sop reassign ${list(d.instances)[0] ?? '<instance>'} ${list(d.actors)[0] ?? '<actor>'} <user> --reason "..."; or remove anyway: sop user remove ${str(d.user, '<user>')} --force`,
  'auth.not-you': (d) => `on this machine you are ${str(d.user, '<you>')}; an administrator acts for someone else only as an emergency: --on-behalf-of <user> --emergency-reason "..."`,
  'auth.unknown-login': (d) =>
    d.noneBound === true
      ? 'a store made before logins: its administrator claims theirs first, from their own OS login: sop user claim <admin>'
      : `an administrator binds your login to you: sop user bind <your name> ${str(d.login, '<login>')}`,
  'auth.not-maintainer': (d) => `an administrator gives the right: sop user rights ${str(d.user, '<user>')} --maintainer`,
  'auth.no-reason': () => 'say why: --emergency-reason "..."',
  'calendar.missing': () => 'write the office calendar as calendar.yaml in the SOP folder (see sop schema --for calendar)',
  'publish.invalid-date': () => 'give the tanggal efektif as YYYY-MM-DD, e.g. --effective 2026-12-01',
  'sop.not-published': (d) =>
    list(d.published).length ? `published SOPs: ${list(d.published).join(', ')}; a maintainer publishes it: sop publish ${str(d.sop, '<sop>')}` : `a maintainer publishes it: sop publish ${str(d.sop, '<sop>')}`,
  'sop.not-yet-effective': (d) => `it can be started from ${str(d.effectiveOn, '<date>')} on`,
  'store.clock-behind': () => "the machine's clock is behind the record: set it right (NTP), then try again",
  'store.login-taken': (d) => `unbind it first: sop user unbind ${str(d.user, '<user>')}`,
  'user.invalid-login': () => 'an OS login is letters, digits, ".", "_" or "-" (as `id -un` prints it)',
  'auth.not-allowed': () => 'ask them, or an administrator',
  'auth.logins-bound': () => 'an administrator binds your login: sop user bind <you> <your OS login>',
  'request.repeated': () => 'the store was tampered with: run sop verify, and restore it from a backup; a new change takes a new request id',
  'key.exists': () => 'rotate it instead: sop key rotate',
  'key.missing': () => 'an administrator creates the signing key: sop key init (or, if its file was lost, sop key rotate)',
  'key.unreadable': () => 'run it as the account that owns the store and its key (the server signs for others), or --unsigned',
  'key.retired': () => 'this key file holds a retired key: an administrator rotates the key (sop key rotate)',
  'key.unknown': () => 'this key file holds a key the store never added: check --key-file, or an administrator rotates the key (sop key rotate)',
  'auth.unknown-user': (d) => (d.file !== undefined ? 'an administrator registers people: sop user add <name> --login <their OS login>' : 'see sop user list'),
  'calendar.ambiguous': () => 'keep one calendar file and delete the other',
  'calendar.invalid': () => 'fix the problems listed, or remove the file to use the default calendar (Asia/Makassar, Monday-Friday 08:00-16:00)',
  'calendar.no-working-time': () => 'give at least one weekday working hours in calendar.yaml (workingHours)',
  'cancel.invalid-reason': () => 'say why: --reason "..."',
  'choice.required': (d) => choose(d),
  'choice.unknown': (d) => choose(d),
  'choice.not-allowed': (d) => choose(d),
  'file.unreadable': () => 'check the permissions of the SOP folder',
  'instance.finished': (d) => `see sop history ${str(d.instance, '<instance>')}`,
  'instance.unknown': () => 'see sop list, or sop tasks --all',
  'list.invalid-status': (d) => `use one of: ${list(d.statuses).join(', ')}`,
  'machine.invalid-event': () => 'recorded events must always apply; the instance log does not fit this revision of the SOP',
  'machine.invalid-state': () => 'replay the instance from its events instead of its cached state',
  'note.invalid': (d) => `write the note as plain text of at most ${str(d.max, String(MAX_NOTE))} characters`,
  'output.missing': (d) =>
    list(d.missing).length > list(d.sensitive).length ? 'give them with --output "<id>=<text>" or --output "<id>=@<file>"' : 'sensitive outputs are asked for at the prompt or read from standard input',
  'output.missing-blob': () => 'the database is damaged; run sop verify',
  'output.not-recorded': (d) => `see sop history ${str(d.instance, '<instance>')}`,
  'output.sensitive-argument': () => 'give it at the prompt, or on standard input',
  'output.too-large': () => 'store a reference (a path or document number) as text instead',
  'output.unknown': (d) => (list(d.outputs).length ? `its outputs: ${list(d.outputs).join(', ')}` : 'this step declares no outputs'),
  'paths.too-many': () => 'the flow has many decisions in a row or many loops: look at it with sop graph, or split the SOP',
  'replay.nothing': (d) => `its first event is entry ${str(d.firstSeq, '?')} at ${str(d.firstAt, '?')}`,
  'request.invalid-id': () => 'use 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit (a UUID will do)',
  'request.mismatch': () => 'give every new command a new request id; repeat an id only to retry the very same command',
  'role.case-actor': (d) => `bind it per instance: sop start <sop> --assign ${str(d.role, '<actor-id>')}=<user> (by default the starter)`,
  'role.unknown': (d) => (d.suggestion ? `did you mean "${str(d.suggestion)}"?` : `roles are actor ids: ${list(d.roles).join(', ')}`),
  'sop.exists': () => 'edit it, or choose another id',
  'sop.invalid': (d) => (typeof d.file === 'string' ? `run: sop validate ${d.file}` : undefined),
  'sop.invalid-id': (d) => (d.reserved ? 'choose another id' : 'for example: sop new permohonan-surat-keterangan'),
  'sop.not-found': (d) => (d.ran ? 'see sop list for the SOPs that have run' : list(d.known).length ? `known SOPs: ${list(d.known).join(', ')}` : 'the folder holds no SOP files'),
  'sops.unreadable': (d) => (d.missing ? 'run sop from the project folder, or point at the SOPs with --sops <dir> or SOP_DIR' : 'point at the SOPs with --sops <dir> or SOP_DIR'),
  'start.invalid-title': () => 'give a short title with --title "..."',
  'store.busy': () => 'another command is still writing; wait for it to finish and try again (with the same --request-id, it is applied once)',
  'store.conflict': (d) => `run \`sop status ${str(d.instance, '<instance>')}\` and try again`,
  'store.damaged': () => 'run `sop verify` to see what can still be checked, and restore the file from a backup',
  'store.full': () => 'free some space on that disk (or raise the file size limit, ulimit -f), then run the command again',
  'store.io-error': () => 'the disk may be full, over a file size limit (ulimit -f), or failing; fix that, then run the command again',
  'store.last-admin': () => 'make another user an administrator first',
  'store.newer-schema': () => 'a newer sop has written this store; upgrade sop to use it (older versions must not touch it)',
  'store.not-a-database': (d) =>
    d.foreign ? 'choose another file for the store; this one belongs to another program' : 'choose another file for the store; sop will not overwrite this one. If it was a sop store, restore it from a backup',
  'store.not-empty': () => 'an administrator adds people with `sop user add`; to start afresh, use another --db file',
  'store.not-found': () => 'create it with `sop init --admin <name>`, or point at the right file with --db or SOP_DB',
  'store.open-failed': (d) =>
    d.journalMode !== undefined
      ? 'the store must be on a local file system that supports shared memory; move it off network drives'
      : d.missingDirectory
        ? `the directory ${str(d.directory, 'of the store')} does not exist; create it first`
        : 'check that the path names a regular file on a local disk',
  'store.sqlite-too-old': () => 'reinstall sop (npm ci) so that better-sqlite3 brings a newer SQLite, or use a sop built with SQLite 3.51.3 or later',
  'store.unknown-definition': () => 'the database is damaged; run sop verify',
  'store.unknown-instance': () => 'run `sop list` to see the instances',
  'store.unknown-user': () => 'run `sop user list` to see the users',
  'store.unwritable': (d) => `sop needs write access to ${str(d.file, 'the store file')} and to its directory (for the -wal and -shm files); check the permissions`,
  'store.user-exists': (d) => `change their roles with \`sop user grant ${str(d.user, '<user>')} <role>\` or \`sop user set-roles ${str(d.user, '<user>')} <roles...>\``,
  'user.invalid-name': () => 'use letters, digits, ".", "_", "@" or "-" (at most 64), starting with a letter or digit',
  // Proven identity and the office server (client mode).
  'auth.bad-credentials': () => 'check the user name and the password (sop login --user <name>); a token: SOP_TOKEN, or sop login again',
  'auth.unauthenticated': (d) => `log in first: sop login --server ${str(d.server, '<url>')} --user <name> (scripts: SOP_TOKEN=<an API token>)`,
  'auth.session-expired': () => 'log in again: sop login',
  'auth.token-revoked': () => 'make another one: sop token create <label>',
  'auth.rate-limited': (d) => `wait ${typeof d.retryAfter === 'number' ? `${Math.ceil(d.retryAfter / 60)} minute(s)` : 'a while'}, then try again (an administrator can set a new password: sop passwd <name>)`,
  'auth.password-change-required': () => 'log in with sop login: it asks you for a new password',
  'auth.weak-password': (d) => `choose at least ${str(d.min, '8')} characters, not your user name`,
  'auth.old-password-required': () => 'sop passwd asks for your current password first',
  'token.invalid-label': () => 'say what the token is for in a few words, e.g. "laporan bulanan"',
  'token.unknown': () => 'see sop token list',
  'server.unreachable': (d) =>
    typeof d.request === 'string'
      ? `check that sop serve runs at ${str(d.server)}; then run the same command again with --request-id ${d.request}: it is applied once`
      : `check that sop serve runs at ${str(d.server)} (SOP_SERVER, or sop login --server)`,
  'server.shared-store': (d) => `chmod 600 ${str(d.file, '<store file>')}, run the server as the account that owns it, or serve it anyway with --shared`,
  'server.no-route': () => 'the server runs another version of sop than this one',
};

function choose(d: ErrorData): string | undefined {
  const exits = list(d.exits);
  return exits.length ? `choose with --choice <${exits.join('|')}>` : undefined;
}

/** The hint for an engine error, if the CLI has one. */
export function hintFor(e: SopError): string | undefined {
  return HINTS[e.code]?.(e.data);
}
