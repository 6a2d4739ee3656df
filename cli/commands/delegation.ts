import type { Command } from 'commander';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { requestIdOf, REQUEST_ID_HELP } from '../options.js';
import { safe } from '../render/safe.js';
import { table } from '../render/wrap.js';
import { formatLocal, type Delegation, type DelegationView, type OfficeCalendar } from '../../engine/index.js';

const local = (iso: string, cal: OfficeCalendar) => formatLocal(new Date(iso), cal);

/** "Plh. kepala-bidang-persandian a.n. siti: dewi, 2026-11-20 00:00 WITA until 2026-11-27 00:00 WITA". */
function describe(d: Delegation, cal: OfficeCalendar): string {
  return `${d.id}: ${d.deputy} is ${d.title} ${d.role}, a.n. ${d.holder}, from ${local(d.startsAt, cal)} until ${local(d.endedAt ?? d.endsAt, cal)}`;
}

export function registerDelegation(program: Command, io: Io): void {
  program
    .command('delegate')
    .description("give a role holder an acting deputy (Plt./Plh.) for a period: the deputy completes the role's steps, recorded as such (administrators only)")
    .argument('<role>', 'the role (an SOP actor id) the deputy acts in')
    .requiredOption('--holder <user>', 'who holds the role: the deputy acts for them (a.n.)')
    .requiredOption('--deputy <user>', 'who acts in the role')
    .option('--title <title>', 'Plt. (Pelaksana Tugas) or Plh. (Pelaksana Harian)', 'Plh.')
    .option('--from <date>', 'from this local date (YYYY-MM-DD) or time ("2026-11-20 08:00"); default now, and never before now')
    .requiredOption('--until <date>', 'until this local date, inclusive (YYYY-MM-DD), or until this time ("2026-11-27 12:00")')
    .option('--json', 'print the delegation as JSON: {id, role, holder, deputy, title, startsAt, endsAt, endedAt}')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .addHelpText(
      'after',
      `
Dates and times are the office calendar's. During the period, the deputy
completes the steps of the role; the history and the report show each such
step as "Plh. <role>, a.n. <holder>". End it early with sop delegation end <id>.

Example: sop delegate kepala-bidang-persandian --holder siti --deputy dewi --title Plh. --from 2026-11-23 --until 2026-11-27`,
    )
    .action(async (role: string, opts: { holder: string; deputy: string; title: string; from?: string; until: string; json?: boolean }, cmd: Command) => {
      const { d, cal } = await withEngine(cmd, async (engine) => ({
        d: await engine.people.delegate({
          role,
          holder: opts.holder,
          deputy: opts.deputy,
          title: opts.title,
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          until: opts.until,
          ...requestIdOf(cmd),
        }),
        cal: await engine.definitions.calendar(),
      }));
      if (opts.json) return printJson(io, d);
      io.out(`delegated ${safe(describe(d, cal))}\n`);
    });

  const delegation = program.command('delegation').description('the delegations (Plt./Plh.): list them, end one early');

  delegation
    .command('list')
    .description('the delegations in effect and to come')
    .option('--all', 'also those ended or run out')
    .option('--json', 'print the list as JSON: [{id, role, holder, deputy, title, startsAt, endsAt, endedAt, state}]')
    .action(async (opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const { list, cal } = await withEngine(cmd, async (engine) => ({ list: await engine.people.delegations({ all: opts.all === true }), cal: await engine.definitions.calendar() }));
      if (opts.json) return printJson(io, list);
      if (list.length === 0) return io.out(opts.all ? 'no delegations\n' : 'no delegations in effect or to come\n');
      const rows = safe(list).map((d: DelegationView) => [d.id, d.state, `${d.title} ${d.role}`, d.holder, d.deputy, local(d.startsAt, cal), local(d.endedAt ?? d.endsAt, cal)]);
      io.out(table(['ID', 'STATE', 'ROLE', 'A.N.', 'DEPUTY', 'FROM', 'UNTIL'], rows).join('\n') + '\n');
    });

  delegation
    .command('end')
    .description('end a delegation now, before its period is over (administrators only)')
    .argument('<id>', 'the delegation id (sop delegation list)')
    .option('--json', 'print the delegation as JSON')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const { d, cal } = await withEngine(cmd, async (engine) => ({ d: await engine.people.endDelegation(id, requestIdOf(cmd)), cal: await engine.definitions.calendar() }));
      if (opts.json) return printJson(io, d);
      io.out(`ended ${safe(describe(d, cal))}\n`);
    });
}
