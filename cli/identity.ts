/**
 * Who runs a command on the store file (direct file mode): the sop user
 * bound to the OS login running it. `--as` (or SOP_USER) may only name that
 * same person; an administrator acts on someone else's behalf only as an
 * emergency action, with `--on-behalf-of <user> --emergency-reason <text>`,
 * recorded as such. The engine checks all of it against the store.
 */
import { userInfo } from 'node:os';
import type { Identity } from '../engine/index.js';
import { usageError } from './errors.js';

export function osLogin(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export function resolveIdentity(options: { as?: string; onBehalfOf?: string; emergencyReason?: string }, env: NodeJS.ProcessEnv = process.env): Identity {
  // A reason without the person it is for would be dropped: the action would be recorded as an ordinary one.
  if (options.emergencyReason !== undefined && options.onBehalfOf === undefined) {
    throw usageError('--emergency-reason goes with --on-behalf-of <user>', 'an emergency action names the person it is done for: --on-behalf-of <user> --emergency-reason "..."');
  }
  const named = options.as || env.SOP_USER || undefined;
  return {
    via: 'os-login',
    osUser: osLogin(),
    ...(named === undefined ? {} : { user: named }),
    ...(options.onBehalfOf === undefined ? {} : { onBehalfOf: { user: options.onBehalfOf, reason: options.emergencyReason ?? '' } }),
  };
}
