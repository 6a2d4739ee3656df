/** Where a command writes: the real streams, or buffers in in-process tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Columns to wrap text output at. */
  width: number;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  // What reaches the terminal as an error may quote an argument (commander's own messages do): no control
  // character in it may drive the terminal. Lines and tabs stay.
  // eslint-disable-next-line no-control-regex
  err: (t) => void process.stderr.write(t.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
  width: 80,
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}
