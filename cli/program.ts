/**
 * Builds the commander program and maps every failure to an exit code that
 * scripts can rely on: 0 ok, 1 refused or invalid, 2 usage. Nobody sees a
 * stack trace unless they ask for it with SOP_DEBUG=1.
 */
import { Command, CommanderError, Option } from 'commander';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { registerValidate } from './commands/validate.js';
import { registerCatalog } from './commands/catalog.js';
import { registerShow } from './commands/show.js';
import { registerPeople } from './commands/people.js';
import { registerStart } from './commands/start.js';
import { registerAdvance } from './commands/advance.js';
import { registerStatus } from './commands/status.js';
import { registerTasks } from './commands/tasks.js';
import { registerList } from './commands/list.js';
import { registerCancel } from './commands/cancel.js';
import { registerOutput } from './commands/output.js';
import { registerHistory } from './commands/history.js';
import { registerDemo } from './commands/demo.js';
import { registerVerify } from './commands/verify.js';
import { registerCheckpoint } from './commands/checkpoint.js';
import { registerReplay } from './commands/replay.js';
import { registerExport } from './commands/export.js';
import { registerReport } from './commands/report.js';
import { registerGraph } from './commands/graph.js';
import { registerPaths } from './commands/paths.js';
import { registerNew } from './commands/new.js';
import { registerRender } from './commands/render.js';
import { reportError } from './report-error.js';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** Options every command shares. */
export interface GlobalOptions {
  sops: string;
  db: string;
  as?: string;
}

export function buildProgram(io: Io): Command {
  const program = new Command('sop')
    .description('Run Standard Operating Procedures written as YAML (Permenpan-RB 35/2012 format).')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--sops <dir>', 'folder of SOP files').env('SOP_DIR').default('sops'))
    .addOption(new Option('--db <file>', 'SQLite file of the history').env('SOP_DB').default('sop.db'))
    .addOption(new Option('--as <user>', 'act as this sop user (default: SOP_USER, else the OS login)'))
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 refused or invalid, 2 usage error.
Environment: SOP_DIR (like --sops), SOP_DB (like --db), SOP_USER (like --as),
SOP_DEBUG=1 (show internal stack traces).
Run "sop <command> --help" for the options of a command.`,
  );
  for (const register of [registerValidate, registerCatalog, registerShow, registerNew, registerGraph, registerPaths, registerRender, registerPeople, registerStart, registerTasks, registerStatus, registerAdvance, registerList, registerCancel, registerOutput, registerHistory, registerReplay, registerVerify, registerCheckpoint, registerExport, registerReport, registerDemo]) {
    register(program, io);
  }
  // Subcommands inherit the output settings and the override that keeps the process alive for our exit code.
  const configure = (cmd: Command): void => {
    cmd.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride();
    cmd.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

const VERSION = '0.1.0';

/** Runs the CLI and returns its exit code. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return commandExitCode(program);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through the override too, with exit code 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(io, e);
  }
}

/** A command that completed but found problems (validate) sets its exit code here. */
function commandExitCode(program: Command): number {
  const code = (program as Command & { sopExitCode?: number }).sopExitCode;
  return code ?? EXIT_OK;
}

export function setExitCode(cmd: Command, code: number): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  (root as Command & { sopExitCode?: number }).sopExitCode = code;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const opts = cmd.optsWithGlobals() as GlobalOptions;
  // An exported but empty SOP_DIR means "not set", as in most Unix tools.
  return { ...opts, sops: opts.sops || 'sops', db: opts.db || 'sop.db' };
}
