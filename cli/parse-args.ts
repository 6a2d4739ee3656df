/** Option parsers shared by several commands: a bad value is a usage error (exit 2) that says what is expected. */
import { InvalidArgumentError } from 'commander';
import { parseCheckpoint, type Checkpoint } from '../engine/index.js';

export function checkpointArgument(value: string): Checkpoint {
  const c = parseCheckpoint(value);
  if (!c) throw new InvalidArgumentError(`a checkpoint as printed by sop checkpoint, <seq>:<64 hex digits>, not "${value.slice(0, 80)}"`);
  return c;
}
