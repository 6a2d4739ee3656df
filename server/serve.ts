/**
 * Running the office server (`sop serve`): the one writer of the office's
 * store. It refuses a store file that other users may read or write (the
 * service account that runs it owns the file, and nobody else opens it),
 * unless told `shared`; it listens, says where, and ends cleanly on SIGTERM
 * or SIGINT, with every answered request's change committed.
 */
import { existsSync, statSync } from 'node:fs';
import { SopError, type Engine } from '../engine/index.js';
import { buildServer } from './app.js';

/**
 * Refuses a store file (or its -wal, which holds the newest commits) that
 * users other than its owner may read or write: with the server as the one
 * writer, anyone else who can open the file could write around it, and
 * anyone who can read it can read every record without logging in.
 */
export function checkStoreFile(db: string, options: { shared?: boolean } = {}): void {
  if (options.shared || db === ':memory:') return;
  for (const file of [db, `${db}-wal`, `${db}-shm`]) {
    if (!existsSync(file)) continue;
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new SopError(
        'server.shared-store',
        `${file} may be ${mode & 0o066 ? 'read or written' : 'opened'} by users other than its owner (mode ${mode.toString(8).padStart(3, '0')}); the server is the one writer and its service account owns the file`,
        { data: { file, mode: mode.toString(8).padStart(3, '0') } },
      );
    }
  }
}

export interface ServeOptions {
  engine: Engine;
  host: string;
  /** 0: a free port, chosen by the system. */
  port: number;
  trustProxy?: boolean | string;
  /** Where the server writes what it says (its address): standard output. */
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface RunningServer {
  /** http://host:port */
  url: string;
  /** Stops listening, lets the requests under way end, and closes the store. */
  close(): Promise<void>;
}

/** Opens the store (so that a store that cannot be used is said at once, not at the first request), then listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  await options.engine.audit.checkpoint();
  const app = await buildServer({ engine: options.engine, ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }), log: (line) => options.err(`${line}\n`) });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  options.out(`listening on ${url}\n`);
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await options.engine.close();
      })();
      return closing;
    },
  };
}
