/**
 * The machine itself, on a definition written for the test and on the seed
 * SOPs: its shape, its guards, loops, determinism, and speed.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { applyEvent, buildMachine, CANCELLED, foldEvents, initialState } from '../../engine/machine/index.js';
import type { MachineEvent } from '../../engine/machine/index.js';
import { allPaths, complete, defineSop, eventsFor, seed } from './helpers.js';

/** A decision with three exits, one of them leading back to the decision itself. */
const tigaJalan = defineSop(
  'tiga-jalan',
  `id: tiga-jalan
revision: 1
identity:
  agency: Pemerintah Kabupaten Contoh
  unit: Dinas Contoh
  number: B-2/CONTOH/000.6/08/2025
  name: Permohonan Izin Contoh
  createdOn: 2025-08-04
  revisedOn: null
  effectiveOn: 2025-08-04
actors:
  - { id: pemohon, name: Pemohon, kind: case }
  - { id: petugas, name: Petugas Layanan }
steps:
  - { id: pengajuan, number: 1, activity: Pengajuan Permohonan, actor: pemohon, time: 10 Menit }
  - id: pemeriksaan
    number: 2
    activity: Pemeriksaan Permohonan
    actor: petugas
    time: 1 Hari
    exits:
      - { label: Setuju, to: penerbitan }
      - { id: ulang, label: Periksa Ulang, to: pemeriksaan }
      - { label: Tolak, to: ditolak }
  - { id: penerbitan, number: 3, activity: Penerbitan Izin, actor: petugas, time: 2 Jam, next: selesai }
ends:
  - { id: selesai, outcome: terbit }
  - { id: ditolak, name: Permohonan Ditolak, outcome: ditolak }
`,
);

describe('Given a definition with a decision of three exits, one a loop to itself', () => {
  it('when the machine is built then it has one state per step and end, the cancelled state, and starts at the start step', () => {
    const m = buildMachine(tigaJalan);
    expect(Object.keys(m.states).sort()).toEqual([CANCELLED, 'ditolak', 'pemeriksaan', 'penerbitan', 'pengajuan', 'selesai'].sort());
    expect(m.config.initial).toBe('pengajuan');
    for (const id of ['selesai', 'ditolak', CANCELLED]) expect(m.states[id]!.type).toBe('final');
  });

  it('when the machine config goes through JSON then nothing is lost: it holds data, not closures', () => {
    const { config } = buildMachine(tigaJalan);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('when it is built twice then the same machine comes back, and a copy of the definition gets its own', () => {
    expect(buildMachine(tigaJalan)).toBe(buildMachine(tigaJalan));
    expect(buildMachine(structuredClone(tigaJalan))).not.toBe(buildMachine(tigaJalan));
  });

  it.each([
    [['Setuju'], { status: 'completed', current: null, outcome: 'terbit', end: 'selesai', visits: { pengajuan: 1, pemeriksaan: 1, penerbitan: 1 } }],
    [['Tolak'], { status: 'completed', current: null, outcome: 'ditolak', end: 'ditolak', visits: { pengajuan: 1, pemeriksaan: 1 } }],
    [['Periksa Ulang', 'Periksa Ulang', 'Setuju'], { status: 'completed', current: null, outcome: 'terbit', end: 'selesai', visits: { pengajuan: 1, pemeriksaan: 3, penerbitan: 1 } }],
    [['Periksa Ulang', 'Tolak'], { status: 'completed', current: null, outcome: 'ditolak', end: 'ditolak', visits: { pengajuan: 1, pemeriksaan: 2 } }],
  ])('when it goes %j then it ends as written', (labels, state) => {
    expect(foldEvents(tigaJalan, eventsFor(tigaJalan, labels))).toEqual(state);
  });

  it('when the graph is walked then each loop-free path and each single loop is found', () => {
    expect(
      allPaths(tigaJalan)
        .map((p) => p.labels.join(' → '))
        .sort(),
    ).toEqual(['Periksa Ulang → Setuju', 'Periksa Ulang → Tolak', 'Setuju', 'Tolak'].sort());
  });

  it('when the decision loops to itself then the state is still at the decision but the event applied', () => {
    const s = foldEvents(tigaJalan, [complete('pengajuan'), complete('pemeriksaan', 'ulang')]);
    expect(s).toEqual({ status: 'active', current: 'pemeriksaan', outcome: null, end: null, visits: { pengajuan: 1, pemeriksaan: 2 } });
  });

  it('when wrong events reach the machine directly then it does not move', () => {
    const m = buildMachine(tigaJalan);
    const [atStart] = initialTransition(m);
    const [atDecision] = transition(m, atStart, complete('pengajuan'));
    const wrong: MachineEvent[] = [
      complete('pemeriksaan', 'setuju'), // not the current step
      complete('pengajuan', 'setuju'), // a choice at a process step
    ];
    for (const e of wrong) expect(transition(m, atStart, e)[0]).toBe(atStart);
    for (const e of [complete('pemeriksaan'), complete('pemeriksaan', 'Setuju'), complete('pemeriksaan', 'nanti'), complete('pengajuan')]) {
      expect(transition(m, atDecision, e)[0], JSON.stringify(e)).toBe(atDecision);
    }
    expect(transition(m, atDecision, complete('pemeriksaan', 'tolak'))[0].value).toBe('ditolak');
  });
});

describe('Given the seed SOP pengecualian-smki and its anomaly loop', () => {
  const def = seed('pengecualian-smki');
  const toLoop = [complete('pengajuan-permohonan'), complete('analisis-resiko'), complete('persetujuan-permohonan', 'setuju'), complete('perencanaan-implementasi')];
  const lap: MachineEvent[] = [complete('implementasi-teknis', 'terjadi-anomali'), complete('identifikasi-anomali')];
  const laps = (n: number) => [...toLoop, ...Array.from({ length: n }, () => lap).flat()];

  it('when the loop is walked 3 times then identifikasi-anomali is visited 3 times and implementasi-teknis 4', () => {
    const s = foldEvents(def, [...laps(3), complete('implementasi-teknis', 'tidak-terjadi')]);
    expect(s).toMatchObject({ status: 'active', current: 'penyusunan-laporan', visits: { 'identifikasi-anomali': 3, 'implementasi-teknis': 4 } });
  });

  it('when the same events are folded twice then the states are deep-equal, and survive JSON unchanged', () => {
    for (const events of [laps(3), ...allPaths(def).map((p) => p.events)]) {
      const a = foldEvents(def, events);
      const b = foldEvents(seed('pengecualian-smki'), events);
      expect(a).toEqual(b);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    }
  });

  it('when events are applied one at a time to the cached state then the result equals the full replay', () => {
    const events = [...laps(2), complete('implementasi-teknis', 'tidak-terjadi'), complete('penyusunan-laporan'), complete('pengiriman-laporan')];
    const stepwise = events.reduce((s, e, i) => applyEvent(def, JSON.parse(JSON.stringify(s)), e, i), initialState(def));
    expect(stepwise).toEqual(foldEvents(def, events));
    expect(stepwise).toMatchObject({ status: 'completed', outcome: 'selesai' });
  });

  it("when every path goes through xstate's public transition() instead, then each state is the same as applyEvent's", () => {
    const m = buildMachine(def);
    for (const path of allPaths(def)) {
      let snapshot = initialTransition(m)[0];
      let state = initialState(def);
      for (const e of path.events) {
        snapshot = transition(m, snapshot, e)[0];
        state = applyEvent(def, state, e);
        expect(snapshot.value).toBe(state.current ?? state.end);
        expect(snapshot.context.visits).toEqual(state.visits);
      }
    }
  });

  // How long it takes, against ten folds of 1,000 events, is measured by the benchmark (npm run bench, 6d).
  it('when 10,000 events of the loop are folded then every lap is counted', () => {
    const events = laps(4998);
    expect(events).toHaveLength(10_000);
    expect(foldEvents(def, events)).toMatchObject({ status: 'active', current: 'implementasi-teknis', visits: { 'identifikasi-anomali': 4998, 'implementasi-teknis': 4999 } });
  });
});
