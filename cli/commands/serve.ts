/**
 * `sop serve`: the office server, the one writer of the store. With
 * `--demo` it first makes (or reuses) a demo office on the store: the
 * example SOPs published, their people registered, each with a new
 * password printed here that they change at their first login.
 */
import { chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { displayPath, openEngine, type Engine } from '../../engine/index.js';
import type { Io } from '../io.js';
import { withLocalEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { holdsSopFiles, scaffoldSops } from '../examples.js';
import { globalOptions } from '../options.js';
import { table } from '../render/wrap.js';

interface ServeOpts {
  host: string;
  port: number;
  shared?: boolean;
  demo?: boolean;
  trustProxy?: boolean;
}

export const DEMO_ADMIN = 'demo-admin';
/** The people of the demo office and their roles: someone for every standing role of the example SOPs. */
export const DEMO_PEOPLE: [string, string[]][] = [
  ['demo-pengguna', []],
  ['demo-kabid-aptika', ['kepala-bidang-aptika']],
  ['demo-administrator', ['administrator']],
  ['demo-kabid-persandian', ['kepala-bidang-persandian']],
  ['demo-tim-teknis', ['pengelola-tim-teknis']],
];

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('run the office server: the one writer of the store, reached over HTTP by the CLI (SOP_SERVER) and other clients')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port to listen on (0: any free one)', parsePort, 8080)
    .option('--shared', 'serve a store file that other users may read or write too (refused otherwise)')
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (behind a reverse proxy that sets it, e.g. for TLS)')
    .option('--demo', 'first make (or reuse) a demo office on the store: the example SOPs published, their people registered with new passwords, printed')
    .addHelpText(
      'after',
      `
The server opens the store (--db, SOP_DB) and serves the API at
http://<host>:<port>/api/v1 (its OpenAPI document at /api/v1/openapi.json).
It prints "listening on <address>" once it listens; SIGTERM or SIGINT ends
it cleanly. The store file must be readable and writable by its owner only
(chmod 600): the server's service account owns it and nobody else opens it.
People log in from their machines: sop login --server <address> --user <name>.
An administrator sets their first passwords on the server machine, in direct
file mode: sop passwd <name> (changed at their first login).

Quick start, in an empty folder:
  npx sop serve --demo`,
    )
    .action(async (opts: ServeOpts, cmd: Command) => {
      const { db, sops } = globalOptions(cmd);
      // Caught from the start: a signal that comes while the server is starting stops it once it has started.
      let stop: () => void = () => {};
      const stopped = new Promise<void>((resolve) => {
        stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
      });
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      try {
        const logins = opts.demo ? await withLocalEngine(cmd, (engine) => demoOffice(engine, sops, io), { create: true, anonymous: true }) : [];
        if (opts.demo) for (const file of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
        // Loaded only by this command: no other command pays for the web framework.
        const { checkStoreFile, startServer } = await import('../../server/index.js');
        checkStoreFile(db, { shared: opts.shared === true });
        const engine = await openEngine({ db, sops });
        const running = await startServer({ engine, host: opts.host, port: opts.port, ...(opts.trustProxy ? { trustProxy: true } : {}), out: io.out, err: io.err });
        if (opts.demo) {
          io.out(`\ndemo office: ${displayPath(db)}, SOPs of ${displayPath(sops)} published\n`);
          io.out(table(['USER', 'PASSWORD (change it at the first login)', 'ROLES'], logins).join('\n') + '\n');
          io.out(`\nlog in from a terminal:  sop login --server ${running.url} --user demo-pengguna\n`);
          io.out(`the API:                 ${running.url}/api/v1/openapi.json\n`);
        }
        await stopped;
        await running.close();
      } finally {
        stop();
      }
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d{1,5}$/.test(v) || n > 65535) throw new InvalidArgumentError(`a port from 0 to 65535, not "${v.slice(0, 20)}"`);
  return n;
}

/**
 * Makes the demo office on a new store, or finds it on one a previous demo
 * made (an office's real store is refused), and gives each demo person a
 * new password, to be changed at the first login. Returns [user, password, roles] rows.
 */
async function demoOffice(engine: Engine, folder: string, io: Io): Promise<string[][]> {
  const admin = engine.as({ user: DEMO_ADMIN });
  if ((await admin.audit.checkpoint()).seq === 0) {
    await admin.people.init(DEMO_ADMIN);
    io.out(`created ${displayPath(engine.db)} with administrator ${DEMO_ADMIN}\n`);
  } else if (!(await admin.people.list()).some((u) => u.name === DEMO_ADMIN && u.isAdmin)) {
    throw new CliError('demo.foreign-database', `${engine.db} already holds an office's data; the demo will not write into it`, { hint: 'run it on its own store: sop serve --demo --db demo.db' });
  }
  if (!holdsSopFiles(folder)) {
    await scaffoldSops(folder, engine);
    io.out(`created ${displayPath(folder)} with the example SOPs that come with sop\n`);
  }
  for (const { id } of (await admin.definitions.catalog()).sops) await admin.definitions.publish(id);
  if (await admin.definitions.hasCalendar()) await admin.definitions.publishCalendar();
  const registered = new Set((await admin.people.list()).map((u) => u.name));
  for (const [name, roles] of DEMO_PEOPLE) if (!registered.has(name)) await admin.people.add(name, { roles });
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  const rows: string[][] = [];
  for (const [name, roles] of [[DEMO_ADMIN, ['administrator of the office']] as [string, string[]], ...DEMO_PEOPLE]) {
    const password = randomBytes(9).toString('base64url');
    await admin.auth.setPassword(name, password, { mustChange: true });
    rows.push([name, password, roles.join(', ') || '(pemohon)']);
  }
  return rows;
}
