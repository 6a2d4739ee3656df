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

const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * Prints `value` as JSON. JSON.stringify escapes the C0 controls (an ESC is
 * `\u001b`) but leaves DEL, the C1 controls and the bidirectional controls
 * raw: they are written as `\uXXXX` too, which is the same JSON.
 */
export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
}
