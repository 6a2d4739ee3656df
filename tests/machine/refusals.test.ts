/**
 * What the runtime is told before it records anything (checkEvent), and what
 * a replay does with an event that should never have been recorded.
 */
import { describe, expect, it } from 'vitest';
import { SopError } from '../../engine/index.js';
import type { DecisionStep } from '../../engine/index.js';
import { applyEvent, checkEvent, foldEvents, initialState, resolveChoice } from '../../engine/machine/index.js';
import type { MachineEvent } from '../../engine/machine/index.js';
import { CANCEL, complete, eventsFor, seed } from './helpers.js';

const def = seed('pengecualian-smki');
/** Up to the decision "Persetujuan Permohonan Pengecualian". */
const toApproval = [complete('pengajuan-permohonan'), complete('analisis-resiko')];
const atApproval = foldEvents(def, toApproval);
const approval = def.steps.find((s) => s.id === 'persetujuan-permohonan') as DecisionStep;

function thrown(fn: () => unknown): SopError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SopError) return e;
    throw e;
  }
  throw new Error('expected a SopError');
}

describe('Given an instance of pengecualian-smki waiting at its first step', () => {
  const start = initialState(def);

  it('when another step is completed then it is refused with step.not-current, naming the current step', () => {
    const r = checkEvent(def, start, complete('analisis-resiko'));
    expect(r).toEqual({ ok: false, code: 'step.not-current', message: expect.stringContaining('step "analisis-resiko" is not the current step; the current step is "pengajuan-permohonan"') });
  });

  it('when a step that does not exist is completed then it is refused with step.not-current, saying so', () => {
    const r = checkEvent(def, start, complete('pengajuan'));
    expect(r).toMatchObject({ ok: false, code: 'step.not-current', message: expect.stringMatching(/not a step of SOP pengecualian-smki.*"pengajuan-permohonan"/) });
  });

  it('when the process step is given a choice then it is refused with choice.not-allowed', () => {
    const r = checkEvent(def, start, complete('pengajuan-permohonan', 'setuju'));
    expect(r).toMatchObject({ ok: false, code: 'choice.not-allowed', message: expect.stringContaining('leads on to "analisis-resiko"') });
  });

  it('when the current step is completed then it is accepted as it is', () => {
    expect(checkEvent(def, start, complete('pengajuan-permohonan'))).toEqual({ ok: true, event: complete('pengajuan-permohonan') });
  });

  it('when an event of an unknown type is checked then it is refused with event.unknown', () => {
    expect(checkEvent(def, start, { type: 'SKIP' } as unknown as MachineEvent)).toMatchObject({ ok: false, code: 'event.unknown' });
  });
});

describe('Given an instance of pengecualian-smki waiting at the approval decision', () => {
  it('when it is completed without a choice then it is refused with choice.required, listing the ids and labels', () => {
    const r = checkEvent(def, atApproval, complete('persetujuan-permohonan'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('choice.required');
    expect(r.message).toContain('setuju ("Setuju"), tidak-setuju ("Tidak Setuju")');
  });

  it('when it is given a choice that is no exit then it is refused with choice.unknown, listing the choices', () => {
    const r = checkEvent(def, atApproval, complete('persetujuan-permohonan', 'mungkin'));
    expect(r).toMatchObject({ ok: false, code: 'choice.unknown', message: expect.stringContaining('"mungkin" is not a choice') });
    if (!r.ok) expect(r.message).toContain('setuju ("Setuju"), tidak-setuju ("Tidak Setuju")');
  });

  it('when the choice is given by its label in any case then it is accepted and normalized to the exit id', () => {
    expect(checkEvent(def, atApproval, complete('persetujuan-permohonan', '  tidak   SETUJU '))).toEqual({
      ok: true,
      event: complete('persetujuan-permohonan', 'tidak-setuju'),
    });
  });

  it('when resolveChoice reads an id, a label or neither then it gives the exit id or undefined', () => {
    expect(resolveChoice(approval, 'tidak-setuju')).toBe('tidak-setuju');
    expect(resolveChoice(approval, 'Tidak Setuju')).toBe('tidak-setuju');
    expect(resolveChoice(approval, 'setuju')).toBe('setuju');
    expect(resolveChoice(approval, 'SETUJU')).toBe('setuju');
    expect(resolveChoice(approval, 'tidak')).toBeUndefined();
    expect(resolveChoice(approval, '')).toBeUndefined();
  });

  it('when a recorded choice is a label, not the exit id, then the replay throws machine.invalid-event', () => {
    const e = thrown(() => foldEvents(def, [...toApproval, complete('persetujuan-permohonan', 'Setuju')]));
    expect(e.code).toBe('machine.invalid-event');
    expect(e.message).toMatch(/^event 2 .*exit id "setuju"/);
  });
});

describe('Given recorded events that do not fit the SOP', () => {
  it('when a step is completed twice then the replay throws machine.invalid-event naming the event index', () => {
    const e = thrown(() => foldEvents(def, [complete('pengajuan-permohonan'), complete('analisis-resiko'), complete('analisis-resiko')]));
    expect(e.code).toBe('machine.invalid-event');
    expect(e.message).toMatch(/^event 2 \(COMPLETE analisis-resiko\) does not apply: step\.not-current/);
  });

  it('when a decision was recorded without a choice then the replay throws machine.invalid-event', () => {
    const e = thrown(() => foldEvents(def, [...toApproval, complete('persetujuan-permohonan')]));
    expect(e).toMatchObject({ code: 'machine.invalid-event', message: expect.stringContaining('choice.required') });
  });

  it('when the recorded data is not an event at all then the replay throws machine.invalid-event, not a TypeError', () => {
    for (const junk of [null, 42, {}, { type: 7 }, { type: 'COMPLETE' }]) {
      expect(thrown(() => foldEvents(def, [junk as unknown as MachineEvent])).code).toBe('machine.invalid-event');
    }
  });
});

describe('Given a cached state that does not belong to the SOP', () => {
  it('when an event is applied to it then applyEvent throws machine.invalid-state', () => {
    const stale = { ...initialState(def), current: 'langkah-lama' };
    expect(thrown(() => applyEvent(def, stale, complete('langkah-lama'))).code).toBe('machine.invalid-state');
  });
});

describe('Given an instance of pengecualian-smki', () => {
  it('when it is cancelled at the start then it is cancelled, with no current step and no outcome', () => {
    expect(checkEvent(def, initialState(def), CANCEL)).toEqual({ ok: true, event: CANCEL });
    expect(foldEvents(def, [CANCEL])).toEqual({
      status: 'cancelled',
      current: null,
      outcome: null,
      end: null,
      visits: { 'pengajuan-permohonan': 1 },
    });
  });

  it('when it is cancelled inside the anomaly loop then the visits so far are kept', () => {
    const events = [...toApproval, complete('persetujuan-permohonan', 'setuju'), complete('perencanaan-implementasi'), complete('implementasi-teknis', 'terjadi-anomali'), CANCEL];
    const s = foldEvents(def, events);
    expect(s).toMatchObject({ status: 'cancelled', current: null, visits: { 'identifikasi-anomali': 1, 'implementasi-teknis': 1 } });
  });

  it('when it was cancelled then every further event is refused with instance.finished, and cannot be replayed', () => {
    const s = foldEvents(def, [CANCEL]);
    expect(checkEvent(def, s, CANCEL)).toMatchObject({ ok: false, code: 'instance.finished', message: expect.stringContaining('cancelled') });
    expect(checkEvent(def, s, complete('pengajuan-permohonan'))).toMatchObject({ ok: false, code: 'instance.finished' });
    expect(thrown(() => foldEvents(def, [CANCEL, complete('pengajuan-permohonan')])).message).toMatch(/^event 1 .*instance\.finished/);
  });

  it('when it was completed then it can be neither continued nor cancelled', () => {
    const done = eventsFor(def, ['Tidak Setuju']);
    const s = foldEvents(def, done);
    expect(s).toMatchObject({ status: 'completed', outcome: 'ditolak' });
    expect(checkEvent(def, s, CANCEL)).toMatchObject({ ok: false, code: 'instance.finished', message: expect.stringContaining('"ditolak"') });
    expect(thrown(() => foldEvents(def, [...done, CANCEL])).code).toBe('machine.invalid-event');
  });
});
