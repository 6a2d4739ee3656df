/**
 * `sop demo`: the main job end to end on the default database, through the
 * same engine API the other commands use. It runs SOP Pengelolaan Akses
 * Pengguna: registers its people, starts an instance, completes every step
 * (outputs, the approval decision, and the temporary password as a
 * sensitive output), then prints the status and the history.
 */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { globalOptions } from '../program.js';
import { Session } from '../../engine/runtime/session.js';
import { SopError } from '../../engine/errors.js';
import { osLogin } from '../../engine/runtime/identity.js';
import { initDatabase, addUser } from '../../engine/runtime/people.js';
import { startInstance } from '../../engine/runtime/start.js';
import { advanceInstance } from '../../engine/runtime/advance.js';
import { instanceStatus } from '../../engine/runtime/status.js';
import { randomBytes } from '../../engine/store/sha256.js';
import { instanceHistory } from '../../engine/runtime/history.js';
import type { AdvanceOptions } from '../../engine/index.js';
import { renderHistory, renderStatus } from '../render/instance.js';

const SOP = 'pengelolaan-akses-pengguna';
const ADMIN = 'demo-admin';
const PEOPLE: [string, string[]][] = [
  ['demo-kabid-aptika', ['kepala-bidang-aptika']],
  ['demo-administrator', ['administrator']],
  ['demo-pengguna', []],
];

/** Who completes each step, and with what. */
const STEPS: [string, string, AdvanceOptions][] = [
  ['usulan-pengguna-baru', 'demo-pengguna', { note: 'Usulan akun SIMPEG untuk staf baru Bidang Aptika' }],
  ['penerimaan-usulan', 'demo-kabid-aptika', {}],
  ['verifikasi-persetujuan', 'demo-kabid-aptika', { choice: 'Disetujui', note: 'Sesuai kebutuhan tugas (least privilege)' }],
  ['disposisi-admin', 'demo-kabid-aptika', {}],
  ['enkripsi-logbook', 'demo-administrator', {}],
  ['kirim-logbook-ke-pengguna', 'demo-administrator', { outputs: [{ id: 'file-terenkripsi', value: 'logbook-akun-demo.zip (AES-256)' }] }],
  ['kirim-logbook-ke-administrator', 'demo-pengguna', {
    outputs: [
      { id: 'file-terenkripsi-terisi', value: 'logbook-akun-demo-terisi.zip (AES-256)' },
      { id: 'file-form-logbook-pengguna', value: 'Form Logbook: nama=Demo Pengguna; unit=Bidang Aptika; akses=SIMPEG (baca)' },
    ],
  }],
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
    .action((_opts: unknown, cmd: Command) => {
      const { db, sops } = globalOptions(cmd);
      const osUser = osLogin();
      const as = (user: string) => new Session({ db, sops, identity: { user, osUser } }, { create: user === ADMIN });
      const run = <T>(user: string, fn: (s: Session) => T): T => {
        const s = as(user);
        try {
          return fn(s);
        } finally {
          s.close();
        }
      };

      run(ADMIN, (s) => {
        if (s.store.isEmpty()) {
          initDatabase(s, ADMIN);
          io.out(`created ${db} with administrator ${ADMIN}\n`);
        } else if (!s.store.getUser(ADMIN)?.isAdmin) {
          throw new SopError('demo.foreign-database', `${db} already holds an office's data; the demo will not write into it`, { hint: 'run it on its own database: sop demo --db demo.db' });
        }
        for (const [name, roles] of PEOPLE) {
          if (!s.store.getUser(name)) {
            addUser(s, name, roles, false);
            io.out(`registered ${name}${roles.length ? ` (${roles.join(', ')})` : ''}\n`);
          }
        }
      });

      const inst = run('demo-pengguna', (s) => startInstance(s, SOP, { title: 'Akun SIMPEG untuk staf baru (demo)' }));
      io.out(`started ${inst.id}: ${SOP}, Pengguna bound to demo-pengguna\n\n`);

      for (const [step, user, options] of STEPS) {
        const outputs = [...(options.outputs ?? [])];
        // The temporary password is generated here and handed over as a sensitive output: it is never stored.
        if (step === 'kirim-akun') {
          outputs.push({ id: 'username', value: 'demo.pengguna' }, { id: 'password-sementara', value: randomBytes(9).toString('base64url'), protected: true });
        }
        const done = run(user, (s) => advanceInstance(s, inst.id, { ...options, outputs, step }));
        io.out(`${user.padEnd(20)} completed ${step}${done.choice ? ` (${done.choice})` : ''}\n`);
      }

      run(ADMIN, (s) => {
        io.out('\n== sop status ' + inst.id + '\n');
        io.out(renderStatus(instanceStatus(s, inst.id), s.calendar, io.width).join('\n') + '\n');
        io.out('\n== sop history ' + inst.id + '\n');
        io.out(renderHistory(instanceHistory(s, inst.id), s.calendar, io.width).join('\n') + '\n');
      });
    });
}
