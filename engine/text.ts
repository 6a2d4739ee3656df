/**
 * Text that reaches a person (a terminal, a page, a message, the history)
 * may quote what someone gave: a name, a choice, a line of a hostile file.
 * One set of characters is never shown raw anywhere: the C0 and C1
 * controls, DEL, and the bidirectional controls that reorder what a reader
 * sees (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069). They
 * are shown as `\uXXXX`. The same set is refused where the language takes
 * plain text (titles, notes, names).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being escaped.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as UNSAFE, but a line break and a tab stay.
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters plain text may not hold.
const NOT_PLAIN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as NOT_PLAIN, but a line break and a tab are text.
const NOT_PLAIN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const escapeOne = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every unsafe character shown as `\uXXXX`; with `keepLines`, line breaks and tabs stay. */
export function escapeControls(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? UNSAFE_BUT_LINES : UNSAFE, escapeOne);
}

/** At most `max` characters (code points) of `text`, with "…" when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

/** Hostile input shown safely in a message: unsafe characters escaped, at most `max` characters of it. */
export function printable(text: string, max = 60): string {
  return escapeControls(cut(text, max));
}

/** Whether `text` is plain text: no control or bidirectional control character (with `multiline`, line breaks and tabs allowed). */
export function isPlainText(text: string, options: { multiline?: boolean } = {}): boolean {
  return !(options.multiline ? NOT_PLAIN_LINES : NOT_PLAIN).test(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: as CONTROL, but a line break is text.
const CONTROL_BUT_LINE_BREAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The first control or bidirectional control character of `text`, if any:
 * a tab counts too (with `lineBreaks`, only a line break is allowed).
 */
export function controlCharacterIn(text: string, options: { lineBreaks?: boolean } = {}): string | undefined {
  return (options.lineBreaks ? CONTROL_BUT_LINE_BREAK : NOT_PLAIN).exec(text)?.[0];
}
