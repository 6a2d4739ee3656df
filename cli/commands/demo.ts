/**
 * `sop demo`: the main job end to end on the default database, through the
 * same engine API the other commands use. It runs SOP Pengelolaan Akses
 * Pengguna: registers its people, starts an instance, completes every step
 * (outputs, the approval decision, and the temporary password as a
 * sensitive output), then prints the status and the history.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type { Command } from 'commander';
import { displayPath, type AdvanceRequest, type Engine } from '../../engine/index.js';
import { holdsSopFiles, scaffoldSops } from '../examples.js';
import { globalOptions } from '../options.js';
import type { Io } from '../io.js';
import { withLocalEngine } from '../engine.js';
import { CliError } from '../errors.js';
import { osLogin } from '../identity.js';
import { renderHistory, renderStatus } from '../render/instance.js';

const SOP = 'pengelolaan-akses-pengguna';
const ADMIN = 'demo-admin';
const PEOPLE: [string, string[]][] = [
  ['demo-kabid-aptika', ['kepala-bidang-aptika']],
  ['demo-administrator', ['administrator']],
  ['demo-pengguna', []],
];

/** Who completes each step, and with what. */
const STEPS: [string, string, AdvanceRequest][] = [
  ['usulan-pengguna-baru', 'demo-pengguna', { note: 'Usulan akun SIMPEG untuk staf baru Bidang Aptika' }],
  ['penerimaan-usulan', 'demo-kabid-aptika', {}],
  ['verifikasi-persetujuan', 'demo-kabid-aptika', { choice: 'Disetujui', note: 'Sesuai kebutuhan tugas (least privilege)' }],
  ['disposisi-admin', 'demo-kabid-aptika', {}],
  ['enkripsi-logbook', 'demo-administrator', {}],
  ['kirim-logbook-ke-pengguna', 'demo-administrator', { outputs: [{ id: 'file-terenkripsi', value: 'logbook-akun-demo.zip (AES-256)' }] }],
  [
    'kirim-logbook-ke-administrator',
    'demo-pengguna',
    {
      outputs: [
        { id: 'file-terenkripsi-terisi', value: 'logbook-akun-demo-terisi.zip (AES-256)' },
        { id: 'file-form-logbook-pengguna', value: 'Form Logbook: nama=Demo Pengguna; unit=Bidang Aptika; akses=SIMPEG (baca)' },
      ],
    },
  ],
  ['input-data-logbook', 'demo-administrator', {}],
  ['kirim-akun', 'demo-administrator', {}],
  ['ubah-password-default', 'demo-pengguna', { note: 'Password default sudah diganti' }],
];

export function registerDemo(program: Command, io: Io): void {
  program
    .command('demo')
    .description(`run SOP ${SOP} end to end on the database, then print its status and history`)
    .addHelpText(
      'after',
      `
On a new database it creates the administrator "${ADMIN}"; on an existing one
it needs that administrator (a previous demo) and refuses otherwise, so it
never touches an office's real database: use --db demo.db there.`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const folder = globalOptions(cmd).sops;
      await withLocalEngine(
        cmd,
        async (engine) => {
          // An installed sop run in a new folder (or with an empty SOP folder) has no SOPs yet: the demo brings its own, as init --examples would.
          if (!holdsSopFiles(folder)) {
            await scaffoldSops(folder, engine);
            io.out(`created ${displayPath(folder)} with the example SOPs that come with sop\n`);
          }
          await runDemo(engine, io);
        },
        { create: true, anonymous: true },
      );
    });
}

async function runDemo(office: Engine, io: Io): Promise<void> {
  const osUser = osLogin();
  const as = (user: string) => office.as({ user, osUser });
  const admin = as(ADMIN);
  if ((await admin.audit.checkpoint()).seq === 0) {
    await admin.people.init(ADMIN);
    io.out(`created ${office.db} with administrator ${ADMIN}\n`);
  } else if (!(await admin.people.list()).some((u) => u.name === ADMIN && u.isAdmin)) {
    throw new CliError('demo.foreign-database', `${office.db} already holds an office's data; the demo will not write into it`, { hint: 'run it on its own database: sop demo --db demo.db' });
  }
  // The office runs what is published: the SOP folder's SOPs and calendar (again: a no-op when nothing changed).
  const before = (await admin.definitions.published()).sops.length;
  for (const { id } of (await admin.definitions.catalog()).sops) await admin.definitions.publish(id);
  if (await admin.definitions.hasCalendar()) await admin.definitions.publishCalendar();
  const published = (await admin.definitions.published()).sops.length - before;
  if (published > 0) io.out(`published ${published} SOP(s) of ${office.sops} and its office calendar\n`);
  const registered = new Set((await admin.people.list()).map((u) => u.name));
  for (const [name, roles] of PEOPLE) {
    if (registered.has(name)) continue;
    await admin.people.add(name, { roles });
    io.out(`registered ${name}${roles.length ? ` (${roles.join(', ')})` : ''}\n`);
  }

  const inst = await as('demo-pengguna').instances.start(SOP, { title: 'Akun SIMPEG untuk staf baru (demo)' });
  io.out(`started ${inst.id}: ${SOP}, Pengguna bound to demo-pengguna\n\n`);

  // Loaded here, not with every command (see engine/store/sha256.ts); required, since the bundle runs as a script.
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  for (const [step, user, options] of STEPS) {
    const outputs = [...(options.outputs ?? [])];
    // The temporary password is generated here and handed over as a sensitive output: it is never stored.
    if (step === 'kirim-akun') {
      outputs.push({ id: 'username', value: 'demo.pengguna' }, { id: 'password-sementara', value: randomBytes(9).toString('base64url'), protected: true });
    }
    const done = await as(user).instances.advance(inst.id, { ...options, outputs, step });
    io.out(`${user.padEnd(20)} completed ${step}${done.choice ? ` (${done.choice})` : ''}\n`);
  }

  const calendar = await admin.definitions.calendar();
  io.out('\n== sop status ' + inst.id + '\n');
  io.out(renderStatus(await admin.instances.status(inst.id), calendar, io.width).join('\n') + '\n');
  io.out('\n== sop history ' + inst.id + '\n');
  io.out(renderHistory(await admin.instances.history(inst.id), calendar, io.width).join('\n') + '\n');
}
