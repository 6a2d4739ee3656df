import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { basename } from 'node:path';
import { withEngine } from '../engine.js';
import { osLogin } from '../identity.js';
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
  return { name: u.name, admin: u.isAdmin, maintainer: u.isMaintainer, login: u.login, roles: u.roles, profile: u.profile, createdAt: u.createdAt };
}

interface ProfileOpts {
  fullName?: string;
  nip?: string;
  jabatan?: string;
}

/** The profile fields given on the command line, if any. */
function profileOf(opts: ProfileOpts): { profile?: { fullName?: string; nip?: string; jabatan?: string } } {
  const profile = {
    ...(opts.fullName !== undefined ? { fullName: opts.fullName } : {}),
    ...(opts.nip !== undefined ? { nip: opts.nip } : {}),
    ...(opts.jabatan !== undefined ? { jabatan: opts.jabatan } : {}),
  };
  return Object.keys(profile).length ? { profile } : {};
}

const withProfileOptions = (cmd: Command): Command =>
  cmd.option('--full-name <name>', 'full name with titles, as documents print it').option('--nip <nip>', 'Nomor Induk Pegawai').option('--jabatan <jabatan>', 'position, as documents print it');

export function registerPeople(program: Command, io: Io): void {
  program
    .command('init')
    .description('create the database and its first administrator (only on an empty database)')
    .requiredOption('--admin <name>', 'user name of the first administrator')
    .option('--login <os-login>', 'the OS login bound to the administrator (default: yours)')
    .option('--examples', 'also create the SOP folder (--sops, SOP_DIR, or ./sops) from the example SOPs that come with sop, with their office calendar and the schemas')
    .option('--json', 'print the administrator as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (opts: { admin: string; login?: string; examples?: boolean; json?: boolean }, cmd: Command) => {
      const folder = globalOptions(cmd).sops;
      // Refused before anything is written: an office's own SOP folder is never written over.
      if (opts.examples) assertScaffoldable(folder);
      const { user, scaffolded, published } = await withEngine(
        cmd,
        async (engine) => {
          const admin = userJson(await engine.people.init(opts.admin, { ...(opts.login !== undefined ? { login: opts.login } : {}), ...requestIdOf(cmd) }));
          if (!opts.examples) return { user: admin, scaffolded: [], published: [] };
          const files = await scaffoldSops(folder, engine);
          // Published at once by the administrator (a maintainer) when they are the one running init: the office can start them.
          if (admin.login !== osLogin()) return { user: admin, scaffolded: files, published: [] };
          const ids = (await engine.definitions.catalog()).sops.map((s) => s.id);
          for (const id of ids) await engine.definitions.publish(id);
          await engine.definitions.publishCalendar();
          return { user: admin, scaffolded: files, published: ids };
        },
        { create: true },
      );
      if (opts.json) return printJson(io, user);
      io.out(`created the database with administrator "${user.name}"${user.login ? `, bound to the OS login ${user.login}` : ''}\n`);
      if (scaffolded.length) io.out(`created ${displayPath(folder)} with the example SOPs: ${scaffolded.map((f) => basename(f)).join(', ')}\n`);
      if (published.length) io.out(`published ${published.join(', ')} and the office calendar\n`);
      else if (scaffolded.length) io.out(`next: ${user.name} publishes them: sop publish --all\n`);
      io.out(`next: sop user add <name> --role <actor-id> --login <their OS login>\n`);
    });

  const user = program.command('user').description('manage people and their roles (changes: administrators only)');

  withProfileOptions(
    user
      .command('add')
      .description('register a person, with the roles (SOP actor ids) they hold, their rights, and the OS login bound to them')
      .argument('<name>', 'user name')
      .option('--role <actor-id...>', 'role(s) to grant; repeat or separate with commas', collect, [])
      .option('--login <os-login>', 'the OS login that acts as this person on this machine (sop on the store file)')
      .option('--admin', 'make the person an administrator too')
      .option('--maintainer', 'let the person publish SOPs and the office calendar'),
  )
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, opts: { role: string[]; login?: string; admin?: boolean; maintainer?: boolean; json?: boolean } & ProfileOpts, cmd: Command) => {
      const person = {
        roles: opts.role,
        admin: opts.admin === true,
        maintainer: opts.maintainer === true,
        ...(opts.login !== undefined ? { login: opts.login } : {}),
        ...profileOf(opts),
        ...requestIdOf(cmd),
      };
      const u = userJson(await withEngine(cmd, (engine) => engine.people.add(name, person)));
      if (opts.json) printJson(io, u);
      else io.out(`added ${u.name}${u.admin ? ' (administrator)' : ''}${u.maintainer ? ' (maintainer)' : ''}${u.login ? `, login ${u.login}` : ''}: ${u.roles.join(', ') || 'no roles'}\n`);
    });

  user
    .command('bind')
    .description('bind an OS login to a person: on this machine, that login acts as them')
    .argument('<name>', 'user name')
    .argument('<os-login>', 'the OS login')
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, login: string, opts: { json?: boolean }, cmd: Command) => {
      const u = userJson(await withEngine(cmd, (engine) => engine.people.bindLogin(name, login, requestIdOf(cmd))));
      if (opts.json) printJson(io, u);
      else io.out(`${u.name}: login ${u.login}\n`);
    });

  user
    .command('claim')
    .description('on a store where no OS login is bound to anyone (made before logins): bind yours to an administrator')
    .argument('<admin>', 'the administrator you are')
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .addHelpText(
      'after',
      `
A store made by an older sop (before logins were bound to people) opens
with nobody's login bound, and in direct file mode nobody can act. The
administrator runs this once, from their own OS login, right after the
upgrade; then binds everyone else's (sop user bind <name> <os-login>).
It is the first binding only: once any login is bound, this is refused
(auth.logins-bound). Recorded in the history as the administrator's own
change, through that login.`,
    )
    .action(async (admin: string, opts: { json?: boolean }, cmd: Command) => {
      const u = userJson(await withEngine(cmd, (engine) => engine.people.claim(admin, requestIdOf(cmd))));
      if (opts.json) printJson(io, u);
      else io.out(`${u.name}: login ${u.login}\n`);
    });

  user
    .command('unbind')
    .description('unbind the OS login of a person')
    .argument('<name>', 'user name')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await withEngine(cmd, (engine) => engine.people.bindLogin(name, null, requestIdOf(cmd)));
      io.out(`${name}: no login\n`);
    });

  user
    .command('rights')
    .description("set a person's rights: administrator (people, roles, logins) and maintainer (publishing SOPs)")
    .argument('<name>', 'user name')
    .option('--admin', 'make the person an administrator')
    .option('--no-admin', 'take the administrator right away')
    .option('--maintainer', 'let the person publish SOPs')
    .option('--no-maintainer', 'take the maintainer right away')
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, opts: { admin?: boolean; maintainer?: boolean; json?: boolean }, cmd: Command) => {
      const rights = { ...(opts.admin !== undefined ? { admin: opts.admin } : {}), ...(opts.maintainer !== undefined ? { maintainer: opts.maintainer } : {}) };
      const u = userJson(await withEngine(cmd, (engine) => engine.people.setRights(name, rights, requestIdOf(cmd))));
      if (opts.json) printJson(io, u);
      else io.out(`${u.name}: ${[u.admin ? 'administrator' : null, u.maintainer ? 'maintainer' : null].filter(Boolean).join(', ') || 'no rights'}\n`);
    });

  withProfileOptions(user.command('profile').description('set how documents name a person (yourself, or anyone as an administrator)').argument('<name>', 'user name'))
    .option('--json', 'print the user as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, opts: { json?: boolean } & ProfileOpts, cmd: Command) => {
      const u = userJson(await withEngine(cmd, (engine) => engine.people.setProfile(name, profileOf(opts).profile ?? {}, requestIdOf(cmd))));
      if (opts.json) printJson(io, u);
      else io.out(`${u.name}: ${[u.profile.fullName, u.profile.nip ? `NIP ${u.profile.nip}` : null, u.profile.jabatan].filter(Boolean).join(', ') || 'no profile'}\n`);
    });

  user
    .command('list')
    .description('list people, their roles, and who is an administrator')
    .option('--json', 'print the list as JSON: [{name, admin, maintainer, login, roles, profile, createdAt}]')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const users = await withEngine(cmd, (engine) => engine.people.list());
      if (opts.json) return printJson(io, users.map(userJson));
      const rows = users.map((u) => [u.name, [u.isAdmin ? 'admin' : null, u.isMaintainer ? 'maintainer' : null].filter(Boolean).join(', '), u.login ?? '-', u.roles.join(', ') || '-']);
      io.out(table(['USER', 'RIGHTS', 'LOGIN', 'ROLES'], rows).join('\n') + '\n');
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
    .option('--force', 'remove them even though they are bound to a person of the case of active instances (reassign those first: sop reassign)')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (name: string, opts: { force?: boolean }, cmd: Command) => {
      const stranded = await withEngine(cmd, async (engine) => {
        // Said before removing with --force: the steps of those cases now wait on nobody.
        const cases = opts.force ? await engine.people.activeCases(name) : [];
        await engine.people.remove(name, { force: opts.force === true, ...requestIdOf(cmd) });
        return cases;
      });
      for (const c of stranded)
        io.err(`sop: warning: ${name} was bound to ${c.actors.join(', ')} of active instance ${c.instance}; reassign it: sop reassign ${c.instance} ${c.actors[0]} <user> --reason "..."\n`);
      io.out(`removed ${name}\n`);
    });
}
