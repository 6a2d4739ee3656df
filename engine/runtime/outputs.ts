/** `sop output`: reads a stored output back, by instance and output id. */
import { SopError } from '../errors.js';
import type { Session } from './session.js';
import { getInstanceOrFail } from './lookup.js';
import { printable } from './identity.js';

export interface StoredOutput {
  id: string;
  step: string;
  at: string;
  by: string;
  sha256: string;
  size: number;
  content: Buffer;
}

export function readOutput(session: Session, instanceId: string, outputId: string): StoredOutput {
  const inst = getInstanceOrFail(session, instanceId);
  // The latest value wins: a step walked again in a loop records its output again.
  const events = session.store.eventsOf(inst.id).filter((e) => e.version !== null && e.event.type === 'completed').reverse();
  for (const e of events) {
    const record = e.event.outputs?.find((o) => o.id === outputId);
    if (!record) continue;
    if (record.sensitive) {
      throw new SopError('output.sensitive', `output "${outputId}" is sensitive: it was given by ${e.event.by.user} at ${e.at}, and its value was never stored`);
    }
    const content = session.store.getBlob(record.sha256!);
    if (!content) throw new SopError('output.missing-blob', `the stored content of "${outputId}" is missing`, { hint: 'the database is damaged; run sop verify' });
    return { id: outputId, step: e.event.step!, at: e.at, by: e.event.by.user, sha256: record.sha256!, size: record.size!, content };
  }
  throw new SopError('output.not-recorded', `instance ${inst.id} has no recorded output "${printable(outputId)}"`, { hint: `see sop history ${inst.id}` });
}
