/**
 * Who runs a command: the sop user named by `--as` or SOP_USER, by default
 * the OS login; the OS login is recorded beside it on every event either
 * way, so the history shows both.
 */
import { userInfo } from 'node:os';
import type { Identity } from '../engine/index.js';

export function osLogin(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export function resolveIdentity(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Identity {
  const osUser = osLogin();
  return { user: explicit || env.SOP_USER || osUser, osUser };
}
