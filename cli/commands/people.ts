import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { basename } from 'node:path';
import { withEngine } from '../engine.js';
import { assertScaffoldable, scaffoldSops } from '../examples.js';
import { globalOptions, requestIdOf, REQUEST_ID_HELP } from '../options.js';
import { displayPath, type User } from '../../engine/index.js';
import { table } from '../render/wrap.js';

const collect = (v: string, all: string[]) => [
  ...all,
  ...v
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean),
];

function userJson(u: User) {
  return { name: u.name, admin: u.isAdmin, roles: u.roles, createdAt: u.createdAt };
}

export function registerPeople(program: Command, io: Io): void {
  program
    .command('init')
    .description('create the database and its first administrator (only on an empty database)')
    .requiredOption('--admin <name>', 'user name of the first administrator')
    .option('--examples', 'also create the SOP folder (--sops, SOP_DIR, or ./sops) from the example SOPs that come with sop, with their office calendar and the schemas')
    .option('--json', 'print the administrator as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (opts: { admin: string; examples?: boolean; json?: boolean }, cmd: Command) => {
      const folder = globalOptions(cmd).sops;
      // Refused before anything is written: an office's own SOP folder is never written over.
      if (opts.examples) assertScaffoldable(folder);
      const { user, scaffolded } = await withEngine(
        cmd,
        async (engine) => {
          const admin = userJson(await engine.people.init(opts.admin, requestIdOf(cmd)));
          return { user: admin, scaffolded: opts.examples ? await scaffoldSops(folder, engine) : [] };
        },
        { create: true },
      );
      if (opts.json) return printJson(io, user);
      io.out(`created the database with administrator "${user.name}"\n`);
      if (scaffolded.length) io.out(`created ${displayPath(folder)} with the example SOPs: ${scaffolded.map((f) => basename(f)).join(', ')}\n`);
      io.out(`next: sop user add <name> --role <actor-id> --as ${user.name}\n`);
    });

  const user = program.command('user').description('manage people and their roles (changes: administrators only)');

  user
    .command('add')
    .description('register a person, with the roles (SOP actor ids) they hold')
    .argument('<name>', 'user name')
    .option('--role <actor-id...>', 'role(s) to grant; repeat or separate with commas', collect, [])
    .option('--admin', 'make the person an administrator too')
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, opts: { role: string[]; admin?: boolean; json?: boolean }, cmd: Command) => {
      const u = userJson(await withEngine(cmd, (engine) => engine.people.add(name, { roles: opts.role, admin: opts.admin === true, ...requestIdOf(cmd) })));
      if (opts.json) printJson(io, u);
      else io.out(`added ${u.name}${u.admin ? ' (administrator)' : ''}: ${u.roles.join(', ') || 'no roles'}\n`);
    });

  user
    .command('list')
    .description('list people, their roles, and who is an administrator')
    .option('--json', 'print the list as JSON: [{name, admin, roles, createdAt}]')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const users = await withEngine(cmd, (engine) => engine.people.list());
      if (opts.json) return printJson(io, users.map(userJson));
      const rows = users.map((u) => [u.name, u.isAdmin ? 'yes' : '', u.roles.join(', ') || '-']);
      io.out(table(['USER', 'ADMIN', 'ROLES'], rows).join('\n') + '\n');
    });

  const roleCommand = (verb: 'grant' | 'revoke' | 'setRoles', name: string, description: string) =>
    user
      .command(name)
      .description(description)
      .argument('<name>', 'user name')
      .argument('<actor-ids...>', 'role(s): SOP actor ids')
      .option('--json', 'print the user as JSON')
      .option('--request-id <id>', REQUEST_ID_HELP)
      .action(async (person: string, roles: string[], opts: { json?: boolean }, cmd: Command) => {
        const split = roles
          .flatMap((r) => r.split(','))
          .map((r) => r.trim())
          .filter(Boolean);
        const u = userJson(await withEngine(cmd, (engine) => engine.people[verb](person, split, requestIdOf(cmd))));
        if (opts.json) printJson(io, u);
        else io.out(`${u.name}: ${u.roles.join(', ') || 'no roles'}\n`);
      });
  roleCommand('grant', 'grant', 'grant roles to a person');
  roleCommand('revoke', 'revoke', 'take roles away from a person');
  roleCommand('setRoles', 'set-roles', "replace a person's roles");

  user
    .command('remove')
    .description('remove a person (their past actions stay in the history)')
    .argument('<name>', 'user name')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await withEngine(cmd, (engine) => engine.people.remove(name, requestIdOf(cmd)));
      io.out(`removed ${name}\n`);
    });
}
