/** `sop output`: reads a stored output back, by instance and output id. */
import { SopError } from '../errors.js';
import { printable } from '../text.js';
import type { Context } from './context.js';
import { getInstanceOrFail } from './lookup.js';

export interface StoredOutput {
  id: string;
  step: string;
  at: string;
  by: string;
  sha256: string;
  size: number;
  content: Buffer;
}

export function readOutput(ctx: Context, instanceId: string, outputId: string): StoredOutput {
  const inst = getInstanceOrFail(ctx, instanceId);
  // The latest value wins: a step walked again in a loop records its output again.
  const events = ctx.store
    .eventsOf(inst.id)
    .filter((e) => e.version !== null && e.event.type === 'completed')
    .reverse();
  for (const e of events) {
    const record = e.event.outputs?.find((o) => o.id === outputId);
    if (!record) continue;
    if (record.sensitive) {
      throw new SopError('output.sensitive', `output "${outputId}" is sensitive: it was given by ${e.event.by.user} at ${e.at}, and its value was never stored`, {
        data: { instance: inst.id, output: outputId, by: e.event.by.user, at: e.at },
      });
    }
    const content = ctx.store.getBlob(record.sha256!);
    if (!content) throw new SopError('output.missing-blob', `the stored content of "${outputId}" is missing`, { data: { instance: inst.id, output: outputId, sha256: record.sha256! } });
    return { id: outputId, step: e.event.step!, at: e.at, by: e.event.by.user, sha256: record.sha256!, size: record.size!, content };
  }
  throw new SopError('output.not-recorded', `instance ${inst.id} has no recorded output "${printable(outputId)}"`, { data: { instance: inst.id, output: outputId } });
}
