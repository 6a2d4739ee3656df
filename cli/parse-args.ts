/** Option parsers shared by several commands: a bad value is a usage error (exit 2) that says what is expected. */
import { InvalidArgumentError } from 'commander';
import { parseAnyCheckpoint, type AnyCheckpoint } from '../engine/index.js';

/** A checkpoint as `sop checkpoint` prints it: signed (one line, or typed back from the printed form), or the old unsigned `<seq>:<hash>`. */
export function checkpointArgument(value: string): AnyCheckpoint {
  const c = parseAnyCheckpoint(value);
  if (!c) {
    throw new InvalidArgumentError(
      `a checkpoint as printed by sop checkpoint, sop-checkpoint:1:<seq>:<64 hex digits>:<32 hex digits>:<signature> (or the unsigned <seq>:<64 hex digits>), not "${value.slice(0, 80)}"`,
    );
  }
  return c;
}
