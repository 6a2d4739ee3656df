import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withSession } from '../session.js';
import { initDatabase, addUser, changeRoles, removeUser, listUsers } from '../../engine/runtime/people.js';
import type { User, RoleChange } from '../../engine/index.js';
import { table } from '../render/wrap.js';

const collect = (v: string, all: string[]) => [...all, ...v.split(',').map((r) => r.trim()).filter(Boolean)];

function userJson(u: User) {
  return { name: u.name, admin: u.isAdmin, roles: u.roles, createdAt: u.createdAt };
}

export function registerPeople(program: Command, io: Io): void {
  program
    .command('init')
    .description('create the database and its first administrator (only on an empty database)')
    .requiredOption('--admin <name>', 'user name of the first administrator')
    .option('--json', 'print the administrator as JSON')
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((opts: { admin: string; json?: boolean }, cmd: Command) => {
      const user = withSession(cmd, (s, once) => once({ command: 'init', args: { admin: opts.admin } }, () => userJson(initDatabase(s, opts.admin))), { create: true });
      if (opts.json) printJson(io, user);
      else io.out(`created the database with administrator "${user.name}"\nnext: sop user add <name> --role <actor-id> --as ${user.name}\n`);
    });

  const user = program.command('user').description('manage people and their roles (changes: administrators only)');

  user
    .command('add')
    .description('register a person, with the roles (SOP actor ids) they hold')
    .argument('<name>', 'user name')
    .option('--role <actor-id...>', 'role(s) to grant; repeat or separate with commas', collect, [])
    .option('--admin', 'make the person an administrator too')
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((name: string, opts: { role: string[]; admin?: boolean; json?: boolean }, cmd: Command) => {
      const admin = opts.admin === true;
      const u = withSession(cmd, (s, once) => once({ command: 'user add', args: { name, roles: opts.role, admin } }, () => userJson(addUser(s, name, opts.role, admin))));
      if (opts.json) printJson(io, u);
      else io.out(`added ${u.name}${u.admin ? ' (administrator)' : ''}: ${u.roles.join(', ') || 'no roles'}\n`);
    });

  user
    .command('list')
    .description('list people, their roles, and who is an administrator')
    .option('--json', 'print the list as JSON: [{name, admin, roles, createdAt}]')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const users = withSession(cmd, (s) => listUsers(s));
      if (opts.json) return printJson(io, users.map(userJson));
      const rows = users.map((u) => [u.name, u.isAdmin ? 'yes' : '', u.roles.join(', ') || '-']);
      io.out(table(['USER', 'ADMIN', 'ROLES'], rows).join('\n') + '\n');
    });

  const roleCommand = (verb: RoleChange, description: string) =>
    user
      .command(`${verb === 'set' ? 'set-roles' : verb === 'add' ? 'grant' : 'revoke'}`)
      .description(description)
      .argument('<name>', 'user name')
      .argument('<actor-ids...>', 'role(s): SOP actor ids')
      .option('--json', 'print the user as JSON')
      .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
      .action((name: string, roles: string[], opts: { json?: boolean }, cmd: Command) => {
        const split = roles.flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
        const u = withSession(cmd, (s, once) => once({ command: `user ${cmd.name()}`, args: { name, roles: split } }, () => userJson(changeRoles(s, name, verb, split))));
        if (opts.json) printJson(io, u);
        else io.out(`${u.name}: ${u.roles.join(', ') || 'no roles'}\n`);
      });
  roleCommand('add', 'grant roles to a person');
  roleCommand('remove', 'take roles away from a person');
  roleCommand('set', "replace a person's roles");

  user
    .command('remove')
    .description('remove a person (their past actions stay in the history)')
    .argument('<name>', 'user name')
    .option('--request-id <id>', 'an id for this change (e.g. a UUID): run again with the same id after a timeout or crash, it is applied once and answers as the first run (default: random)')
    .action((name: string, _opts: unknown, cmd: Command) => {
      withSession(cmd, (s, once) => once({ command: 'user remove', args: { name } }, () => removeUser(s, name)));
      io.out(`removed ${name}\n`);
    });
}
