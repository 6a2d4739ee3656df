/** What every command shares: the global options, and how a command sets the exit code. */
import type { Command } from 'commander';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** Options every command shares. */
export interface GlobalOptions {
  sops: string;
  db: string;
  as?: string;
  onBehalfOf?: string;
  emergencyReason?: string;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  // An exported but empty SOP_DIR means "not set", as in most Unix tools.
  return { ...opts, sops: opts.sops || 'sops', db: opts.db || 'sop.db' };
}

/** The --request-id a changing command was given, if any (the engine draws a random one otherwise). */
export function requestIdOf(cmd: Command): { requestId?: string } {
  const id = cmd.opts<{ requestId?: string }>().requestId;
  return id === undefined ? {} : { requestId: id };
}

/** A command that completed but found problems (validate, verify) sets its exit code here. */
export function setExitCode(cmd: Command, code: number): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  (root as Command & { sopExitCode?: number }).sopExitCode = code;
}

export function commandExitCode(program: Command): number {
  return (program as Command & { sopExitCode?: number }).sopExitCode ?? EXIT_OK;
}

/** The --request-id option of every changing command. */
export const REQUEST_ID_HELP = 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)';
