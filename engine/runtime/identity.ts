/**
 * Who is running a command. On a shared office machine the sop user is
 * named by `--as` or SOP_USER and defaults to the OS login; the OS login is
 * recorded beside it on every event either way, so the history shows both.
 */
import { userInfo } from 'node:os';
import { SopError } from '../errors.js';

export interface Identity {
  user: string;
  osUser: string;
}

/** User names: what an office would type, without spaces or control characters. */
export const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;

export function osLogin(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export function resolveIdentity(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Identity {
  const osUser = osLogin();
  const user = explicit || env.SOP_USER || osUser;
  assertUserName(user);
  return { user, osUser };
}

export function assertUserName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw new SopError('user.invalid-name', `"${printable(name)}" is not a valid user name`, {
      hint: 'use letters, digits, ".", "_", "@" or "-" (at most 64), starting with a letter or digit',
    });
  }
}

/** Shows hostile input safely in a message: control characters escaped, length capped. */
export function printable(s: string, max = 60): string {
  const shown = [...s].slice(0, max).join('');
  // eslint-disable-next-line no-control-regex
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + (s.length > max ? '…' : '');
}
