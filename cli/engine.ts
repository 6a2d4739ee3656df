/**
 * How a command gets its engine: from the global options, acting as the
 * person running it. With an office server to talk to (SOP_SERVER, or what
 * `sop login` stored), the engine is the server's (cli/remote/), acting as
 * the person its token proves; otherwise the store file is opened (direct
 * file mode), acting as the person bound to the OS login.
 */
import type { Command } from 'commander';
import { openEngine, SopError, type Engine, type SopEngine } from '../engine/index.js';
import { resolveIdentity } from './identity.js';
import { globalOptions, type GlobalOptions } from './options.js';
import { clientConfig } from './remote/credentials.js';

let processEndsAfterCommand = false;

/**
 * Called by the `sop` binary, whose process ends with the command. Closing
 * the last connection to a WAL database checkpoints the WAL into the file
 * (a write and an fsync); the exit leaves that to the automatic checkpoint
 * of a later write. What was committed is durable at its commit either way
 * (synchronous=FULL). A program that runs commands in-process keeps closing
 * its engines.
 */
export function leaveDatabaseToProcessExit(): void {
  processEndsAfterCommand = true;
}

export interface EngineMode {
  /** The store file may be created (init): always direct file mode. */
  create?: boolean;
  /** A tool that acts for nobody and reads only the SOP folder (validate, show, graph ...): always on this machine. */
  anonymous?: boolean;
  /** Another SOP folder than the global option's. */
  sops?: string;
}

/**
 * Runs `fn` with an engine built from the global options, then closes it
 * (unless the process is about to end). The engine acts for the person
 * running the command, except for the tools that act for nobody (`anonymous`:
 * validate, show, graph ...), which then do not depend on the OS login.
 */
export async function withEngine<T>(cmd: Command, fn: (engine: SopEngine) => Promise<T>, mode: EngineMode = {}): Promise<T> {
  const opts = globalOptions(cmd);
  const client = mode.create || mode.anonymous ? undefined : clientConfig();
  if (client === undefined) return withLocalEngine(cmd, fn, mode);
  const { RemoteEngine } = await import('./remote/engine.js');
  if (client.token === undefined) {
    throw new SopError('auth.unauthenticated', `nobody is logged in to ${client.server}`, { data: { server: client.server } });
  }
  const engine = new RemoteEngine({
    server: client.server,
    token: client.token,
    sops: mode.sops ?? opts.sops,
    ...(opts.onBehalfOf === undefined ? {} : { onBehalfOf: { user: opts.onBehalfOf, reason: opts.emergencyReason ?? '' } }),
  });
  try {
    await refuseAnotherPerson(engine, client.token, opts);
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** The engine on the store file, always (init, the demo, the server itself). */
export async function withLocalEngine<T>(cmd: Command, fn: (engine: Engine) => Promise<T>, mode: EngineMode = {}): Promise<T> {
  const opts = globalOptions(cmd);
  const engine = await openEngine({
    db: opts.db,
    sops: mode.sops ?? opts.sops,
    create: mode.create === true,
    ...(mode.anonymous ? {} : { identity: resolveIdentity(opts) }),
  });
  try {
    return await fn(engine);
  } finally {
    if (!processEndsAfterCommand) await engine.close();
  }
}

/** In client mode the person is the token's: `--as` (or SOP_USER) naming anyone else is refused, as on the file. */
async function refuseAnotherPerson(engine: SopEngine, token: string, opts: GlobalOptions): Promise<void> {
  const named = opts.as || process.env.SOP_USER || undefined;
  if (named === undefined) return;
  const who = await engine.auth.authenticate(token);
  if (who.user !== named) {
    throw new SopError('auth.not-you', `your token is ${who.user}'s; acting as "${named}" is refused`, { data: { user: who.user, named, login: null } });
  }
}
