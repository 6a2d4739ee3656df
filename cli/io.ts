import { escapeControls } from '../engine/index.js';

/** Where a command writes: the real streams, or buffers in in-process tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Columns to wrap text output at. */
  width: number;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  // What reaches the terminal as an error may quote an argument (commander's own messages do): no control
  // character in it may drive the terminal. Lines and tabs stay.
  err: (t) => void process.stderr.write(escapeControls(t, { keepLines: true })),
  width: 80,
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}
