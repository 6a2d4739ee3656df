/**
 * Where the CLI finds the office server and its token (client mode):
 * SOP_SERVER and SOP_TOKEN (an API token, for scripts), or what `sop login`
 * stored in `$XDG_CONFIG_HOME/sop/credentials.json` (default
 * `~/.config/sop/credentials.json`, mode 0600 in a folder of mode 0700):
 * `{server, token, user}`. With neither, the CLI opens the store file
 * (direct file mode).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Stored {
  server: string;
  token: string;
  user: string;
}

export interface ClientConfig {
  /** The server's base address, without a trailing slash. */
  server: string;
  /** The token each request carries; undefined when nobody has logged in. */
  token: string | undefined;
  /** Where the token came from: SOP_TOKEN, or `sop login`. */
  from: 'env' | 'login' | 'none';
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'sop', 'credentials.json');
}

export function readStored(env: NodeJS.ProcessEnv = process.env): Stored | undefined {
  try {
    const json = JSON.parse(readFileSync(credentialsFile(env), 'utf8')) as Partial<Stored>;
    if (typeof json.server === 'string' && typeof json.token === 'string') return { server: json.server, token: json.token, user: typeof json.user === 'string' ? json.user : '' };
  } catch {
    // No file (never logged in, or logged out), or not ours to read: direct file mode.
  }
  return undefined;
}

/** Stores the session of a login, readable by its owner only; written whole or not at all. */
export function store(stored: Stored, env: NodeJS.ProcessEnv = process.env): string {
  const file = credentialsFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

export function forget(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(credentialsFile(env), { force: true });
}

export function normalizeServer(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The server to talk to, if any: SOP_SERVER, else the one `sop login` stored. */
export function clientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig | undefined {
  const stored = readStored(env);
  const server = env.SOP_SERVER ? normalizeServer(env.SOP_SERVER) : stored ? normalizeServer(stored.server) : undefined;
  if (server === undefined) return undefined;
  if (env.SOP_TOKEN) return { server, token: env.SOP_TOKEN, from: 'env' };
  if (stored && normalizeServer(stored.server) === server) return { server, token: stored.token, from: 'login' };
  return { server, token: undefined, from: 'none' };
}
