import type { Command } from 'commander';
import { formatLocal, type PublishedSop } from '../../engine/index.js';
import type { Io } from '../io.js';
import { printJson } from '../io.js';
import { withEngine } from '../engine.js';
import { safe } from '../render/safe.js';
import { labelled } from '../render/wrap.js';
import { EXIT_REFUSED, setExitCode } from '../options.js';

const STATE: Record<PublishedSop['state'], string> = { 'in-effect': 'berlaku', 'to-come': 'akan berlaku', superseded: 'diganti' };

/** `sop published`: what the office runs. `sop catalog` lists the SOP folder, which is where maintainers write, not what starts. */
export function registerPublished(program: Command, io: Io): void {
  program
    .command('published')
    .description('list the SOPs the office has published: what sop start runs, each with its revision and tanggal efektif')
    .argument('[sop]', 'one SOP id: every publication of it')
    .option('--all', 'also the publications superseded by a later one')
    .option('--json', 'print {sops: [{seq, sop, number, name, revision, hash, effectiveOn, at, by, inEffect, state}], calendar}')
    .addHelpText(
      'after',
      `
An instance starts from the publication of its SOP in effect that day (the
latest tanggal efektif not after it). A publication whose tanggal efektif
is still to come is listed as "akan berlaku"; with --all (or naming one
SOP), those superseded are listed too, as "diganti". Naming an SOP that was
never published exits 1.`,
    )
    .action(async (sop: string | undefined, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const { published, calendar } = await withEngine(cmd, async (engine) => ({ published: await engine.definitions.published(sop), calendar: await engine.definitions.calendar() }));
      const shown = { ...published, sops: published.sops.filter((p) => sop !== undefined || opts.all || p.state !== 'superseded') };
      // A script asking after one SOP learns from the exit code whether it was ever published.
      if (sop !== undefined && shown.sops.length === 0) setExitCode(cmd, EXIT_REFUSED);
      if (opts.json) return printJson(io, shown);
      const { sops, calendar: officeCalendar } = safe(shown);
      if (sops.length === 0) io.out(sop === undefined ? 'nothing is published yet: a maintainer publishes SOPs with sop publish\n' : `SOP ${safe(sop)} was never published\n`);
      const at = (p: { at: string }) => formatLocal(new Date(p.at), calendar);
      let last: string | null = null;
      for (const p of sops) {
        if (p.sop !== last) {
          if (last !== null) io.out('\n');
          io.out(`${p.sop}  ${p.number}\n`);
          io.out(labelled('  ', p.name, io.width).join('\n') + '\n');
          last = p.sop;
        }
        io.out(`  ${STATE[p.state]}: revisi ${p.revision} sejak ${p.effectiveOn} (diterbitkan oleh ${p.by}, ${at(p)})\n`);
      }
      if (officeCalendar && sop === undefined) io.out(`\nkalender kantor: berlaku sejak ${officeCalendar.effectiveOn} (diterbitkan oleh ${officeCalendar.by}, ${at(officeCalendar)})\n`);
    });
}
