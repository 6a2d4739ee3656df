/**
 * Client mode and credentials: `sop login` (a session with the office
 * server, stored for the next commands), `sop logout`, `sop passwd` and
 * `sop token`. Passwords are never taken from the command line: they are
 * typed with echo off, or read from standard input, one per line.
 */
import type { Command } from 'commander';
import { hasCode, type ApiToken, type LoginResult } from '../../engine/index.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { CliError, usageError } from '../errors.js';
import { osLogin } from '../identity.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';
import { readSecrets } from '../secret-input.js';
import { table } from '../render/wrap.js';
import { forget, normalizeServer, readStored, store } from '../remote/credentials.js';

/** Asks for passwords: at the terminal with echo off (a new one twice), or one line each from standard input. */
function askPasswords(io: Io, asks: { id: string; name: string; repeat?: boolean }[]): Map<string, string> {
  if (!process.stdin.isTTY) return readSecrets(asks, io.err);
  const values = new Map<string, string>();
  for (const ask of asks) {
    const value = readSecrets([{ id: ask.id, name: ask.name }], io.err).get(ask.id) ?? '';
    if (ask.repeat && (readSecrets([{ id: ask.id, name: `${ask.name}, again` }], io.err).get(ask.id) ?? '') !== value) {
      throw new CliError('usage', 'the two passwords differ; nothing was changed');
    }
    if (value) values.set(ask.id, value);
  }
  return values;
}

function required(values: Map<string, string>, id: string, what: string): string {
  const value = values.get(id);
  if (value === undefined) throw usageError(`no ${what} given`, 'type it at the prompt, or give it on standard input, one line each');
  return value;
}

export function registerSession(program: Command, io: Io): void {
  program
    .command('login')
    .description('log in to the office server: the next commands talk to it, as you')
    .option('--server <url>', 'the server, e.g. http://127.0.0.1:8080 (default: SOP_SERVER, or the one you logged in to last)')
    .option('--user <name>', 'your sop user name (default: your OS login)')
    .option('--json', 'print {server, user, expiresAt, file}')
    .addHelpText(
      'after',
      `
The password is asked with echo off, or read from standard input. A password
an administrator set must be changed now: you are asked for a new one (on
standard input: the second line). The session is stored, readable by you
only, in $XDG_CONFIG_HOME/sop/credentials.json (default ~/.config/sop/) and
lasts 12 hours; sop logout ends it. Scripts use an API token instead:
SOP_SERVER=<url> SOP_TOKEN=<token> (see sop token create).`,
    )
    .action(async (opts: { server?: string; user?: string; json?: boolean }) => {
      const server = opts.server ?? process.env.SOP_SERVER ?? readStored()?.server;
      if (!server) throw usageError('which server? give --server <url> (or set SOP_SERVER)', 'e.g. sop login --server http://127.0.0.1:8080 --user budi');
      const user = opts.user ?? osLogin();
      const { RemoteEngine } = await import('../remote/engine.js');
      const remote = new RemoteEngine({ server: normalizeServer(server), token: undefined, sops: '.' });
      const piped = !process.stdin.isTTY;
      // On standard input the new password, when one is needed, is the second line: read both at once.
      const given = askPasswords(io, [{ id: 'password', name: `Password of ${user} at ${normalizeServer(server)}` }, ...(piped ? [{ id: 'new', name: 'New password' }] : [])]);
      const password = required(given, 'password', 'password');
      let session: LoginResult;
      try {
        session = await remote.auth.login(user, password);
      } catch (e) {
        if (!hasCode(e, 'auth.password-change-required')) throw e;
        io.err('Your password was set by an administrator: choose your own.\n');
        const fresh = piped ? given : askPasswords(io, [{ id: 'new', name: 'New password', repeat: true }]);
        session = await remote.auth.login(user, password, { newPassword: required(fresh, 'new', 'new password') });
      }
      const file = store({ server: normalizeServer(server), token: session.token, user: session.user });
      if (opts.json) return printJson(io, { server: normalizeServer(server), user: session.user, expiresAt: session.expiresAt, file });
      io.out(`logged in to ${normalizeServer(server)} as ${session.user}, until ${session.expiresAt}\n`);
    });

  program
    .command('logout')
    .description('end your session with the office server; the next commands open the store file again')
    .action(async () => {
      const stored = readStored();
      if (!stored) {
        io.out('not logged in\n');
        return;
      }
      const { RemoteEngine } = await import('../remote/engine.js');
      try {
        await new RemoteEngine({ server: stored.server, token: stored.token, sops: '.' }).auth.logout(stored.token);
      } catch (e) {
        // Ended or expired already, or the server is away: forgetting the token here is what matters.
        io.err(`sop: the server did not end the session (${(e as Error).message}); the token is forgotten here\n`);
      }
      forget();
      io.out(`logged out of ${stored.server}\n`);
    });

  program
    .command('passwd')
    .description("set your password for the office server (an administrator: someone else's, to be changed at their first login)")
    .argument('[user]', 'whose password (default: yours)')
    .option('--json', 'print {user, mustChange}')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .addHelpText(
      'after',
      `
Your own: you are asked for your current password (leave it empty if you have
none yet) and the new one, twice. Someone else's: the new one only. On
standard input: one line each, in that order. On the server machine, in
direct file mode, an administrator sets the first passwords of the office.`,
    )
    .action(async (user: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const done = await withEngine(cmd, async (engine) => {
        const me = (await engine.people.me()).name;
        const whose = user ?? me;
        const self = whose === me;
        const given = askPasswords(io, [...(self ? [{ id: 'old', name: 'Current password (empty if none)' }] : []), { id: 'new', name: `New password of ${whose}`, repeat: true }]);
        const old = given.get('old');
        return engine.auth.setPassword(whose, required(given, 'new', 'new password'), { ...(old === undefined ? {} : { oldPassword: old }), ...requestIdOf(cmd) });
      });
      if (opts.json) return printJson(io, done);
      io.out(done.mustChange ? `password of ${done.user} set; ${done.user} changes it at the first login\n` : `password of ${done.user} changed\n`);
    });

  const token = program.command('token').description('API tokens for scripts and clients (SOP_TOKEN): make, list, revoke');

  token
    .command('create')
    .description('make an API token; its secret is printed this once')
    .argument('<label>', 'what it is for, e.g. "laporan bulanan"')
    .option('--user <name>', 'for someone else (administrators)')
    .option('--json', 'print {id, user, label, createdAt, revokedAt, secret}')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (label: string, opts: { user?: string; json?: boolean }, cmd: Command) => {
      const made = await withEngine(cmd, (engine) => engine.auth.tokens.create(label, { ...(opts.user === undefined ? {} : { user: opts.user }), ...requestIdOf(cmd) }));
      if (opts.json) return printJson(io, made);
      if (made.secret === null) {
        io.out(`token ${made.id} (${made.label}) of ${made.user} was made by an earlier run of this request; its secret is not kept: revoke it and make another\n`);
        return;
      }
      io.out(`token ${made.id} (${made.label}) of ${made.user}:\n${made.secret}\n`);
      io.err('keep it now: it is not shown again. Scripts use it as SOP_TOKEN, with SOP_SERVER.\n');
    });

  token
    .command('list')
    .description('your API tokens (an administrator: --user, --all)')
    .option('--user <name>', "someone else's (administrators)")
    .option('--all', "everyone's (administrators)")
    .option('--json', 'print [{id, user, label, createdAt, revokedAt}]')
    .action(async (opts: { user?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      const tokens: ApiToken[] = await withEngine(cmd, (engine) => engine.auth.tokens.list({ ...(opts.user === undefined ? {} : { user: opts.user }), ...(opts.all ? { all: true } : {}) }));
      if (opts.json) return printJson(io, tokens);
      if (tokens.length === 0) return io.out('no tokens\n');
      io.out(
        table(
          ['ID', 'USER', 'LABEL', 'CREATED', 'REVOKED'],
          tokens.map((t) => [t.id, t.user, t.label, t.createdAt, t.revokedAt ?? '-']),
        ).join('\n') + '\n',
      );
    });

  token
    .command('revoke')
    .description('revoke an API token (yours, or any by an administrator)')
    .argument('<id>', 'the token id, as sop token list shows it')
    .option('--json', 'print the token')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const revoked = await withEngine(cmd, (engine) => engine.auth.tokens.revoke(id, requestIdOf(cmd)));
      if (opts.json) return printJson(io, revoked);
      io.out(`revoked ${revoked.id} (${revoked.label}) of ${revoked.user}\n`);
    });
}
