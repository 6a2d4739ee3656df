/**
 * The three seed SOPs, walked along every path from the start to an end that
 * takes each loop at most once. The expected paths and outcomes are written
 * out by hand from the documents; a graph walk checks that the list is
 * complete, and the fold checks where each path ends.
 */
import { describe, expect, it } from 'vitest';
import type { SopDefinition } from '../../engine/index.js';
import { applyEvent, checkEvent, foldEvents, initialState } from '../../engine/machine/index.js';
import type { InstanceState, MachineEvent } from '../../engine/machine/index.js';
import { allPaths, CANCEL, complete, endsReachableFrom, eventsFor, seed } from './helpers.js';

interface ExpectedPath {
  /** The exits taken at the decisions, by label, in order. */
  labels: string[];
  end: string;
  outcome: string;
  /** Visit counts of the steps a loop entered more than once (or not at all). */
  visits?: Record<string, number>;
}

const expected: Record<string, ExpectedPath[]> = {
  'pengecualian-smki': [
    { labels: ['Setuju', 'Tidak Terjadi'], end: 'selesai', outcome: 'selesai', visits: { 'implementasi-teknis': 1 } },
    {
      labels: ['Setuju', 'Terjadi Anomali', 'Tidak Terjadi'],
      end: 'selesai',
      outcome: 'selesai',
      visits: { 'implementasi-teknis': 2, 'identifikasi-anomali': 1, 'penyusunan-laporan': 1 },
    },
    { labels: ['Tidak Setuju'], end: 'ditolak', outcome: 'ditolak' },
  ],
  'implementasi-security-patch': [
    { labels: ['Perlu Implementasi', 'Tidak Terjadi'], end: 'selesai', outcome: 'selesai', visits: { 'perencanaan-implementasi': 1 } },
    {
      labels: ['Perlu Implementasi', 'Terjadi Anomali', 'Perlu Implementasi', 'Tidak Terjadi'],
      end: 'selesai',
      outcome: 'selesai',
      visits: { 'perencanaan-implementasi': 2, 'analisis-rencana': 2, 'persetujuan-izin': 2, 'implementasi-security-patch': 2 },
    },
    {
      labels: ['Perlu Implementasi', 'Terjadi Anomali', 'Tidak Perlu'],
      end: 'tidak-perlu',
      outcome: 'tidak-perlu',
      visits: { 'perencanaan-implementasi': 2, 'analisis-rencana': 2, 'persetujuan-izin': 1 },
    },
    { labels: ['Tidak Perlu'], end: 'tidak-perlu', outcome: 'tidak-perlu', visits: { 'analisis-rencana': 1 } },
  ],
  'pengelolaan-akses-pengguna': [
    { labels: ['Disetujui'], end: 'selesai', outcome: 'selesai', visits: { 'ubah-password-default': 1 } },
    { labels: ['Tidak disetujui'], end: 'ditolak', outcome: 'ditolak', visits: { 'verifikasi-persetujuan': 1 } },
  ],
};

const pathKey = (p: { labels: string[]; end: string }) => `${p.labels.join(' → ')} ⇒ ${p.end}`;

/** Every event worth trying in a state: each step with no choice, each exit id, each label, a bogus choice; and CANCEL. */
function candidates(def: SopDefinition): MachineEvent[] {
  const out: MachineEvent[] = [CANCEL];
  for (const s of def.steps) {
    out.push(complete(s.id), complete(s.id, 'bogus'));
    if (s.kind === 'decision') for (const x of s.exits) out.push(complete(s.id, x.id), complete(s.id, x.label.toUpperCase()));
  }
  out.push(complete('no-such-step'));
  return out;
}

describe.each(Object.keys(expected))('Given the seed SOP %s', (id) => {
  const def = seed(id);
  const paths = expected[id]!;

  it('then the hand-written paths are exactly the paths that take each loop at most once', () => {
    const walked = allPaths(def).map(pathKey).sort();
    expect(walked).toEqual(paths.map(pathKey).sort());
  });

  it.each(paths.map((p) => [pathKey(p), p] as const))('when it goes %s then the instance completes with that outcome', (_, p) => {
    const state = foldEvents(def, eventsFor(def, p.labels));
    expect(state).toEqual({ status: 'completed', current: null, outcome: p.outcome, end: p.end, visits: expect.any(Object) });
    expect(state.visits).toMatchObject(p.visits ?? {});
    // The start is always entered, and no step is entered more often than a single loop allows.
    expect(state.visits[def.start]).toBeGreaterThanOrEqual(1);
    expect(Math.max(...Object.values(state.visits))).toBeLessThanOrEqual(2);
  });

  it('then every exit of every decision is taken on the way to each end it can reach', () => {
    const walked = allPaths(def);
    for (const step of def.steps) {
      if (step.kind !== 'decision') continue;
      for (const exit of step.exits) {
        const reached = new Set(walked.filter((p) => p.events.some((e) => e.type === 'COMPLETE' && e.step === step.id && e.choice === exit.id)).map((p) => p.end));
        expect([...reached].sort(), `${step.id} → ${exit.label}`).toEqual([...endsReachableFrom(def, exit.to)].sort());
      }
    }
  });

  it('when any event is tried at any point of any path then checkEvent accepts exactly what the machine applies', () => {
    for (const path of allPaths(def)) {
      let state: InstanceState = initialState(def);
      const states = [state];
      for (const e of path.events) {
        state = applyEvent(def, state, e);
        states.push(state);
      }
      expect(state).toEqual(foldEvents(def, path.events));
      for (const s of states) {
        for (const e of candidates(def)) {
          const check = checkEvent(def, s, e);
          if (check.ok) {
            // The normalized event applies; the raw one only when it was already normal (labels are never recorded).
            expect(applyEvent(def, s, check.event)).not.toEqual(s);
            if (JSON.stringify(check.event) !== JSON.stringify(e)) expect(() => applyEvent(def, s, e)).toThrow(/machine.invalid-event|does not apply/);
          } else {
            expect(() => applyEvent(def, s, e), `${JSON.stringify(e)} in ${JSON.stringify(s)}`).toThrow(/does not apply/);
          }
        }
      }
    }
  });
});
