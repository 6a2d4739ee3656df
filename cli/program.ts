/**
 * Builds the commander program and maps every failure to an exit code that
 * scripts can rely on: 0 ok, 1 refused or invalid, 2 usage. Nobody sees a
 * stack trace unless they ask for it with SOP_DEBUG=1.
 */
import { Command, CommanderError, Option } from 'commander';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { reportError } from './report-error.js';
import { commandExitCode, EXIT_OK, EXIT_USAGE } from './options.js';

export type Register = (program: Command, io: Io) => void;

/**
 * Every command, by the names a user types, with the module that defines
 * it. A run imports only the module of the command it runs: an operator's
 * `sop status` never loads the YAML parser, the schema validator or the
 * flowchart renderer. Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: () => import('./commands/validate.js').then((m) => m.registerValidate),
  catalog: () => import('./commands/catalog.js').then((m) => m.registerCatalog),
  show: () => import('./commands/show.js').then((m) => m.registerShow),
  new: () => import('./commands/new.js').then((m) => m.registerNew),
  graph: () => import('./commands/graph.js').then((m) => m.registerGraph),
  paths: () => import('./commands/paths.js').then((m) => m.registerPaths),
  render: () => import('./commands/render.js').then((m) => m.registerRender),
  init: () => import('./commands/people.js').then((m) => m.registerPeople),
  start: () => import('./commands/start.js').then((m) => m.registerStart),
  tasks: () => import('./commands/tasks.js').then((m) => m.registerTasks),
  status: () => import('./commands/status.js').then((m) => m.registerStatus),
  advance: () => import('./commands/advance.js').then((m) => m.registerAdvance),
  list: () => import('./commands/list.js').then((m) => m.registerList),
  cancel: () => import('./commands/cancel.js').then((m) => m.registerCancel),
  output: () => import('./commands/output.js').then((m) => m.registerOutput),
  history: () => import('./commands/history.js').then((m) => m.registerHistory),
  replay: () => import('./commands/replay.js').then((m) => m.registerReplay),
  verify: () => import('./commands/verify.js').then((m) => m.registerVerify),
  checkpoint: () => import('./commands/checkpoint.js').then((m) => m.registerCheckpoint),
  key: () => import('./commands/key.js').then((m) => m.registerKey),
  export: () => import('./commands/export.js').then((m) => m.registerExport),
  report: () => import('./commands/report.js').then((m) => m.registerReport),
  demo: () => import('./commands/demo.js').then((m) => m.registerDemo),
  publish: () => import('./commands/publish.js').then((m) => m.registerPublish),
  published: () => import('./commands/published.js').then((m) => m.registerPublished),
  schema: () => import('./commands/schema.js').then((m) => m.registerSchema),
  serve: () => import('./commands/serve.js').then((m) => m.registerServe),
  login: () => import('./commands/session.js').then((m) => m.registerSession),
  delegate: () => import('./commands/delegation.js').then((m) => m.registerDelegation),
  reassign: () => import('./commands/reassign.js').then((m) => m.registerReassign),
};
/** Names defined by a module that defines more than one command, or aliases. */
const SAME_MODULE: Record<string, string> = { user: 'init', sops: 'catalog', logout: 'login', passwd: 'login', token: 'login', delegation: 'delegate' };
/** Global options that take a value, to find the command name after them. */
const VALUE_OPTIONS = new Set(['--sops', '--db', '--as', '--on-behalf-of', '--emergency-reason']);

/** The modules a run needs: the named command's, or all of them (help, a typo to suggest for). */
export async function registersFor(argv: string[]): Promise<Register[]> {
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) {
      name = a;
      break;
    }
  }
  const key = name === undefined ? undefined : (SAME_MODULE[name] ?? name);
  const load = key !== undefined && Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
  if (load) return [await load()];
  // In the order help lists them.
  return Promise.all(
    Object.values(COMMANDS)
      .filter((l, i, all) => all.indexOf(l) === i)
      .map((l) => l()),
  );
}

export function buildProgram(io: Io, registers: Register[]): Command {
  const program = new Command('sop')
    .description('Run Standard Operating Procedures written as YAML (Permenpan-RB 35/2012 format).')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--sops <dir>', 'folder of SOP files').env('SOP_DIR').default('sops'))
    .addOption(new Option('--db <file>', 'SQLite file of the history').env('SOP_DB').default('sop.db'))
    .addOption(new Option('--as <user>', 'the sop user you are: only the one your OS login is bound to (default: that one)'))
    .addOption(new Option('--on-behalf-of <user>', "an administrator's emergency action for this person: recorded as such, with --emergency-reason"))
    .addOption(new Option('--emergency-reason <text>', 'why the emergency action (required with --on-behalf-of)'))
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 refused or invalid, 2 usage error.
Environment: SOP_DIR (like --sops), SOP_DB (like --db), SOP_USER (like --as),
SOP_SERVER (talk to the office server instead of the store file; see sop login),
SOP_TOKEN (an API token for SOP_SERVER), SOP_DEBUG=1 (show internal stack traces).
Run "sop <command> --help" for the options of a command.`,
  );
  for (const register of registers) register(program, io);
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
  const program = buildProgram(io, await registersFor(argv));
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
