/**
 * The walks of the three seed SOPs, written out by hand from the documents
 * (sops/*.yaml and the comments there on how each loop is read), for the
 * seed-walk tests. Each path goes from the start to one end and takes each
 * loop at most once; a maintainer checks each line against the procedure
 * table: step, pelaksana, and the exit taken at a decision as printed.
 *
 * Also here: the outputs each step is given (its Output column), who plays
 * each actor, and what every walk expects to see (the status while it
 * waits on a row, at its end, and the history it leaves), shared by the
 * in-process walks (tests/runtime/seed-walks.test.ts) and the walks
 * through the built CLI (tests/e2e/runtime/seed-walks.test.ts).
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { HistoryEntry, StatusView } from '../../engine/index.js';

/** One row of the procedure table as a path walks it. */
export interface Move {
  /** Step id (the row). */
  step: string;
  /** Who acts: the actor id of the row's Pelaksana column. */
  by: string;
  /** At a decision: the exit taken, as its id and as the document prints its label. */
  choice?: { id: string; label: string };
}

export interface WalkPath {
  name: string;
  moves: Move[];
  /** The end reached, and its outcome. */
  end: string;
  outcome: string;
}

/**
 * How a walk gives an output: `text` on the command line, `file` as
 * `--output <id>=@<file>`, `stdin` for a sensitive output (never on the
 * command line).
 */
export interface OutputPlan {
  id: string;
  how: 'text' | 'file' | 'stdin';
}

export interface SeedWalk {
  sop: string;
  /** Actor id -> the user who plays it: one user per standing role, one per person of the case. */
  cast: Record<string, string>;
  /** The actors of kind `case`: bound per instance, not roles. */
  caseActors: string[];
  /** Who starts an instance: the person of the case where the SOP has one. */
  starter: string;
  /** Step id -> the outputs the step declares (Output column), in the declared order. Steps not listed declare none. */
  outputs: Record<string, OutputPlan[]>;
  paths: WalkPath[];
}

/** The administrator of every test database; holds no role, so acting for a step is always refused. */
export const ADMIN = 'admin';

const move = (step: string, by: string, choice?: [id: string, label: string]): Move => (choice ? { step, by, choice: { id: choice[0], label: choice[1] } } : { step, by });

// --- Pengecualian Penerapan SMKI (B-434/DISKOMINFO/000.6/08/2025) ---------

const PEMOHON = 'pemohon';
const TIM_TEKNIS = 'pengelola-tim-teknis';
const KABID_PERSANDIAN = 'kepala-bidang-persandian';

const smkiStart = [
  move('pengajuan-permohonan', PEMOHON), //                                 1 Pengajuan Permohonan
  move('analisis-resiko', TIM_TEKNIS), //                                   2 Menganalisis Resiko Pengecualian
];

const pengecualianSmki: SeedWalk = {
  sop: 'pengecualian-smki',
  cast: { [PEMOHON]: 'sari', [TIM_TEKNIS]: 'andi', [KABID_PERSANDIAN]: 'rina' },
  caseActors: [PEMOHON],
  starter: 'sari',
  outputs: {
    'pengajuan-permohonan': [{ id: 'surat-permohonan', how: 'file' }],
    'analisis-resiko': [{ id: 'daftar-resiko', how: 'text' }],
    'perencanaan-implementasi': [{ id: 'hasil-analisis-data-log', how: 'text' }],
    'identifikasi-anomali': [{ id: 'laporan-anomali', how: 'text' }],
    'penyusunan-laporan': [{ id: 'laporan-implementasi-pengecualian', how: 'text' }],
  },
  paths: [
    {
      name: 'Setuju, Tidak Terjadi ⇒ selesai',
      moves: [
        ...smkiStart,
        move('persetujuan-permohonan', KABID_PERSANDIAN, ['setuju', 'Setuju']), // 3 Persetujuan
        move('perencanaan-implementasi', TIM_TEKNIS), //                          4 Perencanaan Implementasi
        move('implementasi-teknis', TIM_TEKNIS, ['tidak-terjadi', 'Tidak Terjadi']), // 5 Implementasi Teknis
        move('penyusunan-laporan', TIM_TEKNIS), //                                7 Penyusunan Laporan
        move('pengiriman-laporan', TIM_TEKNIS), //                                8 Pengiriman laporan
      ],
      end: 'selesai',
      outcome: 'selesai',
    },
    {
      name: 'Setuju, Terjadi Anomali, (loop) Tidak Terjadi ⇒ selesai',
      moves: [
        ...smkiStart,
        move('persetujuan-permohonan', KABID_PERSANDIAN, ['setuju', 'Setuju']), // 3
        move('perencanaan-implementasi', TIM_TEKNIS), //                          4
        move('implementasi-teknis', TIM_TEKNIS, ['terjadi-anomali', 'Terjadi Anomali']), // 5, connector A
        move('identifikasi-anomali', TIM_TEKNIS), //                              6 Identifikasi Anomali, back to 5
        move('implementasi-teknis', TIM_TEKNIS, ['tidak-terjadi', 'Tidak Terjadi']), // 5 again, connector B
        move('penyusunan-laporan', TIM_TEKNIS), //                                7
        move('pengiriman-laporan', TIM_TEKNIS), //                                8
      ],
      end: 'selesai',
      outcome: 'selesai',
    },
    {
      name: 'Tidak Setuju ⇒ ditolak',
      moves: [
        ...smkiStart,
        move('persetujuan-permohonan', KABID_PERSANDIAN, ['tidak-setuju', 'Tidak Setuju']), // 3, connector C to the Pemohon
      ],
      end: 'ditolak',
      outcome: 'ditolak',
    },
  ],
};

// --- Implementasi Security Patch Sistem Elektronik (B-435/DISKOMINFO/000.6/08/2025)

const ADMINISTRATOR = 'administrator';

const patchPlan = [
  move('pemantauan-security-patch', ADMINISTRATOR), //                       1 Pemantauan Security Patch
  move('perencanaan-implementasi', ADMINISTRATOR), //                        2 Perencanaan Implementasi
];
const patchApproved = [
  move('analisis-rencana', TIM_TEKNIS, ['perlu-implementasi', 'Perlu Implementasi']), // 3 Menganalisis Rencana
  move('persetujuan-izin', KABID_PERSANDIAN), //                             4 Persetujuan Izin
  move('penjadwalan-implementasi', TIM_TEKNIS), //                           5 Penjadwalan
];
const patchAnomaly = [
  move('implementasi-security-patch', TIM_TEKNIS, ['terjadi-anomali', 'Terjadi Anomali']), // 6, connector A
  move('perencanaan-implementasi', ADMINISTRATOR), //                        2 again: the patch is planned anew
];
const patchDone = [
  move('implementasi-security-patch', TIM_TEKNIS, ['tidak-terjadi', 'Tidak Terjadi']), // 6, connector B
  move('penyusunan-laporan', TIM_TEKNIS), //                                 6 (printed twice) Penyusunan Laporan
];
const patchNotNeeded = move('analisis-rencana', TIM_TEKNIS, ['tidak-perlu', 'Tidak Perlu']); // 3

const implementasiSecurityPatch: SeedWalk = {
  sop: 'implementasi-security-patch',
  cast: { [ADMINISTRATOR]: 'budi', [TIM_TEKNIS]: 'andi', [KABID_PERSANDIAN]: 'rina' },
  caseActors: [],
  starter: 'budi',
  outputs: {
    'analisis-rencana': [{ id: 'hasil-analisis-rekomendasi', how: 'text' }],
    'persetujuan-izin': [{ id: 'persetujuan-rekomendasi', how: 'text' }],
    'penyusunan-laporan': [{ id: 'laporan-hasil-implementasi', how: 'file' }],
  },
  paths: [
    {
      name: 'Perlu Implementasi, Tidak Terjadi ⇒ selesai',
      moves: [...patchPlan, ...patchApproved, ...patchDone],
      end: 'selesai',
      outcome: 'selesai',
    },
    {
      name: 'Perlu Implementasi, Terjadi Anomali, (loop) Perlu Implementasi, Tidak Terjadi ⇒ selesai',
      moves: [...patchPlan, ...patchApproved, ...patchAnomaly, ...patchApproved, ...patchDone],
      end: 'selesai',
      outcome: 'selesai',
    },
    {
      name: 'Perlu Implementasi, Terjadi Anomali, (loop) Tidak Perlu ⇒ tidak-perlu',
      moves: [...patchPlan, ...patchApproved, ...patchAnomaly, patchNotNeeded],
      end: 'tidak-perlu',
      outcome: 'tidak-perlu',
    },
    {
      name: 'Tidak Perlu ⇒ tidak-perlu',
      moves: [...patchPlan, patchNotNeeded],
      end: 'tidak-perlu',
      outcome: 'tidak-perlu',
    },
  ],
};

// --- Pengelolaan Akses Pengguna (B-015/DISKOMINFO/000.8.3.3/04/2025) ---------

const PENGGUNA = 'pengguna';
const KABID_APTIKA = 'kepala-bidang-aptika';

const aksesStart = [
  move('usulan-pengguna-baru', PENGGUNA), //                                  1 Mengusulkan nama pengguna baru
  move('penerimaan-usulan', KABID_APTIKA), //                                 2 Menerima usulan
];

const pengelolaanAksesPengguna: SeedWalk = {
  sop: 'pengelolaan-akses-pengguna',
  cast: { [KABID_APTIKA]: 'yusuf', [ADMINISTRATOR]: 'budi', [PENGGUNA]: 'dewi' },
  caseActors: [PENGGUNA],
  starter: 'dewi',
  outputs: {
    'kirim-logbook-ke-pengguna': [{ id: 'file-terenkripsi', how: 'file' }],
    'kirim-logbook-ke-administrator': [
      { id: 'file-terenkripsi-terisi', how: 'file' },
      { id: 'file-form-logbook-pengguna', how: 'file' },
    ],
    'kirim-akun': [
      { id: 'username', how: 'text' },
      { id: 'password-sementara', how: 'stdin' },
    ],
  },
  paths: [
    {
      name: 'Disetujui ⇒ selesai',
      moves: [
        ...aksesStart,
        move('verifikasi-persetujuan', KABID_APTIKA, ['disetujui', 'Disetujui']), // 3 Memverifikasi dan menyetujui
        move('disposisi-admin', KABID_APTIKA), //                                 4 Disposisi ke admin
        move('enkripsi-logbook', ADMINISTRATOR), //                               5 Enkripsi logbook
        move('kirim-logbook-ke-pengguna', ADMINISTRATOR), //                      6 Kirim logbook ke pengguna
        move('kirim-logbook-ke-administrator', PENGGUNA), //                      7 Kirim hasil logbook, connector A
        move('input-data-logbook', ADMINISTRATOR), //                             8 Input data logbook
        move('kirim-akun', ADMINISTRATOR), //                                     9 Kirim username dan password
        move('ubah-password-default', PENGGUNA), //                               10 Ubah password default
      ],
      end: 'selesai',
      outcome: 'selesai',
    },
    {
      name: 'Tidak disetujui ⇒ ditolak',
      moves: [
        ...aksesStart,
        move('verifikasi-persetujuan', KABID_APTIKA, ['tidak-disetujui', 'Tidak disetujui']), // 3
      ],
      end: 'ditolak',
      outcome: 'ditolak',
    },
  ],
};

export const SEED_WALKS: SeedWalk[] = [pengecualianSmki, implementasiSecurityPatch, pengelolaanAksesPengguna];

// --- values the walks give --------------------------------------------------

/** The value of an output at the n-th visit of its step (1-based): distinct per path, step and visit, so a loop records new content. */
export function outputValue(sop: string, pathIndex: number, step: string, output: string, visit: number): string {
  return `${sop} jalur ${pathIndex + 1}: ${step} / ${output}, kunjungan ${visit}`;
}

/** The temporary password a walk sends: must never reach the database or any output. */
export function secretValue(pathIndex: number): string {
  return `Rahasia-${pathIndex + 1}-Xq7!pW`;
}

export const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

/** The roles to register: every standing actor of the walk, with its user. */
export function roleHolders(walk: SeedWalk): [user: string, role: string][] {
  return Object.entries(walk.cast)
    .filter(([actor]) => !walk.caseActors.includes(actor))
    .map(([actor, user]) => [user, actor]);
}

/** The people of the case: registered without any role. */
export function casePeople(walk: SeedWalk): string[] {
  return walk.caseActors.map((a) => walk.cast[a]!);
}

// --- what every walk expects -----------------------------------------------

/** How many times each step has been entered so far, to give each visit its own output values. */
export class Visits {
  private readonly counts = new Map<string, number>();
  next(step: string): number {
    const n = (this.counts.get(step) ?? 0) + 1;
    this.counts.set(step, n);
    return n;
  }
}

/** The note recorded with a decision: the choice in the document's words. */
export const noteFor = (m: Move): string | null => (m.choice ? `keputusan: ${m.choice.label}` : null);

/** What `status --json` must show as the current step when `m` is next. */
export function expectCurrent(walk: SeedWalk, status: StatusView, m: Move): void {
  expect(status.status, `waiting for ${m.step}`).toBe('active');
  expect(status.outcome).toBeNull();
  expect(status.current).toHaveLength(1);
  expect(status.current[0]).toMatchObject({
    step: m.step,
    actor: m.by,
    assignee: walk.caseActors.includes(m.by) ? walk.cast[m.by]! : null,
    choices: m.choice ? expect.arrayContaining([m.choice.id]) : [],
    exits: m.choice ? expect.arrayContaining([expect.objectContaining({ id: m.choice.id, label: m.choice.label })]) : [],
    outputs: (walk.outputs[m.step] ?? []).map((o) => ({ id: o.id, sensitive: o.how === 'stdin' })),
  });
}

/** What `status --json` must show once the path has reached its end. */
export function expectEnded(status: StatusView, path: WalkPath, moves: number): void {
  expect(status).toMatchObject({ status: 'completed', outcome: path.outcome, current: [], version: moves + 1 });
}

export type Entry = Pick<HistoryEntry, 'type' | 'step' | 'choice' | 'choiceLabel' | 'user' | 'role' | 'note' | 'outputs'>;
export const entryOf = (e: HistoryEntry): Entry => ({
  type: e.type,
  step: e.step,
  choice: e.choice,
  choiceLabel: e.choiceLabel,
  user: e.user,
  role: e.role,
  note: e.note,
  outputs: e.outputs,
});

/** The history a path must leave: its start, then exactly its completions in order, with choices, notes and output hashes. */
export function expectedHistory(walk: SeedWalk, path: WalkPath, pathIndex: number): Entry[] {
  const visits = new Visits();
  const started: Entry = { type: 'started', step: null, choice: null, choiceLabel: null, user: walk.starter, role: null, note: null, outputs: [] };
  return [
    started,
    ...path.moves.map((m): Entry => {
      const visit = visits.next(m.step);
      return {
        type: 'completed',
        step: m.step,
        choice: m.choice?.id ?? null,
        choiceLabel: m.choice?.label ?? null,
        user: walk.cast[m.by]!,
        role: m.by,
        note: noteFor(m),
        outputs: (walk.outputs[m.step] ?? []).map((o) => {
          if (o.how === 'stdin') return { id: o.id, given: true as const };
          const value = outputValue(walk.sop, pathIndex, m.step, o.id, visit);
          return { id: o.id, sha256: sha256(value), size: Buffer.byteLength(value) };
        }),
      };
    }),
  ];
}

/** The walks per SOP, and the paths of a walk, as rows for describe.each / it.each. */
export const bySop = SEED_WALKS.map((w) => [w.sop, w] as const);
export const pathsOf = (walk: SeedWalk) => walk.paths.map((p, i) => [p.name, p, i] as const);
