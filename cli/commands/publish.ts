import { basename, dirname, extname } from 'node:path';
import type { Command } from 'commander';
import type { Published } from '../../engine/index.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { usageError } from '../errors.js';
import { globalOptions, requestIdOf, REQUEST_ID_HELP } from '../options.js';

interface PublishOpts {
  all?: boolean;
  calendar?: boolean;
  effective?: string;
  json?: boolean;
}

export function registerPublish(program: Command, io: Io): void {
  program
    .command('publish')
    .description('publish SOPs (and the office calendar) for the office to run: instances start only from what is published')
    .argument('[sops...]', 'SOP ids of the SOP folder, or SOP files (path/to/<id>.yaml)')
    .option('--all', 'every SOP of the SOP folder, and its calendar.yaml when it has one')
    .option('--calendar', "the SOP folder's office calendar (calendar.yaml)")
    .option('--effective <date>', 'the tanggal efektif, YYYY-MM-DD (default: the effectiveOn of each SOP)')
    .option('--json', 'print what was published as JSON: [{seq, kind, sop, hash, revision, effectiveOn, at, by}]')
    .option('--request-id <id>', REQUEST_ID_HELP)
    .addHelpText(
      'after',
      `
A maintainer or an administrator publishes. Each SOP is checked first, as
sop validate checks it; the history records who published which revision,
when, and from which date new instances start with it (the tanggal efektif).
Instances that already run keep the definition they started with. Publishing
the same definition from the same date again changes nothing.

Examples:
  sop publish pengecualian-smki
  sop publish sops/pengecualian-smki.yaml --effective 2026-12-01
  sop publish --all`,
    )
    .action(async (sops: string[], opts: PublishOpts, cmd: Command) => {
      if (sops.length === 0 && !opts.all && !opts.calendar) throw usageError('name the SOPs to publish, or give --all or --calendar', 'see sop publish --help');
      if (opts.all && sops.length > 0) throw usageError('give SOPs or --all, not both', 'see sop publish --help');
      // A file publishes from its own folder; ids from the SOP folder.
      const groups = new Map<string, string[]>();
      for (const s of sops) {
        const file = /\.ya?ml$/.test(s);
        const folder = file ? dirname(s) : globalOptions(cmd).sops;
        const id = file ? basename(s, extname(s)) : s;
        groups.set(folder, [...(groups.get(folder) ?? []), id]);
      }
      if (groups.size === 0) groups.set(globalOptions(cmd).sops, []);
      const published: Published[] = [];
      const rid = requestIdOf(cmd).requestId;
      let n = 0;
      // One request id per publication, derived from the one given: a retry of the command retries each.
      const next = () => (rid === undefined ? {} : { requestId: `${rid}.${++n}` });
      for (const [folder, ids] of groups) {
        await withEngine(
          cmd,
          async (engine) => {
            const all = opts.all ? (await engine.definitions.catalog()).sops.map((s) => s.id) : ids;
            for (const id of all) published.push(await engine.definitions.publish(id, { ...(opts.effective ? { effectiveOn: opts.effective } : {}), ...next() }));
            if (opts.calendar || (opts.all && (await engine.definitions.hasCalendar()))) published.push(await engine.definitions.publishCalendar(next()));
          },
          { sops: folder },
        );
      }
      if (opts.json) return printJson(io, published);
      for (const p of published) {
        io.out(p.kind === 'calendar' ? `published the office calendar (${p.hash.slice(0, 12)})\n` : `published ${p.sop} revision ${p.revision}, in effect from ${p.effectiveOn} (${p.hash.slice(0, 12)})\n`);
      }
    });
}
