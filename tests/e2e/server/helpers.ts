/**
 * The office server as a real process: `sop serve` (the built binary) on a
 * store file made by the test, waited for by its "listening on" line (never
 * by time), stopped with a signal. Clients are the built CLI in client mode
 * (SOP_SERVER, SOP_TOKEN) with a configuration folder of their own, so that
 * nothing a person stored on this machine with `sop login` reaches a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, SOPS, tempDir } from '../../helpers/cli.js';
import { officeWith, type OfficeOptions } from '../../helpers/engine.js';

export interface OfficeFile {
  dir: string;
  db: string;
  /** An API token for each person (admin too), made by the program as that person. */
  tokens: Record<string, string>;
}

/** A store file with the office of `officeWith`, readable by its owner only, and a token per person. */
export async function officeFile(people: Record<string, string[]>, options: OfficeOptions = {}): Promise<OfficeFile> {
  const dir = tempDir('sop-serve-');
  const db = join(dir, 'sop.db');
  const office = await officeWith(db, people, options);
  const tokens: Record<string, string> = {};
  for (const user of ['admin', ...Object.keys(people)]) tokens[user] = (await office.as(user).auth.tokens.create(`token of ${user}`)).secret!;
  await office.close();
  ownerOnly(db);
  return { dir, db, tokens };
}

export function ownerOnly(db: string): void {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export interface Served {
  url: string;
  child: ChildProcess;
  /** Everything the server printed so far. */
  out(): string;
  err(): string;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment of a server or client process: no SOP_* of the caller, a configuration folder of the test's. */
export function cleanEnv(extra: Record<string, string> = {}, configHome?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SOP_')) env[k] = v;
  env.XDG_CONFIG_HOME = configHome ?? join(tempDir('sop-config-'), 'config');
  return { ...env, ...extra };
}

/**
 * Starts `sop serve --db <db> --port 0 ...args` and resolves once it prints
 * "listening on <url>"; rejects with what it printed if it ends first.
 */
export function serve(db: string, args: string[] = [], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--sops', SOPS, '--port', '0', ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let listening = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && !listening) {
        listening = true;
        resolve({
          url: m[1]!,
          child,
          out: () => out,
          err: () => err,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return ended;
          },
        });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    void ended.then(({ code, signal }) => {
      if (!listening) reject(new Error(`sop serve ended (${signal ?? code}) before listening:\n${out}\n${err}`));
    });
  });
}

/** The environment of a CLI client of `url` acting with `token` (an API token, as a script would). */
export function clientEnv(url: string, token: string | undefined, configHome: string): Record<string, string> {
  mkdirSync(configHome, { recursive: true });
  return { SOP_SERVER: url, ...(token === undefined ? {} : { SOP_TOKEN: token }), XDG_CONFIG_HOME: configHome };
}
