/**
 * Safe display: whatever the CLI prints from the store or a file (titles,
 * names, SOP texts, notes, reasons) may hold what someone slipped in: a
 * terminal escape sequence that clears the screen or makes a link, a
 * bidirectional control (U+202E) that reverses what a reader sees. Every
 * text of a view goes through escapeControls before it is rendered: such a
 * character is shown as `\uXXXX`. Only notes, reasons and descriptions keep
 * their line breaks.
 */
import { escapeControls } from '../../engine/index.js';

/** The texts that may span lines: the rest are shown on one line. */
const MULTILINE = new Set(['note', 'notes', 'reason', 'description']);

/** `value` with every string in it (at any depth) escaped for a terminal. */
export function safe<T>(value: T, key?: string): T {
  if (typeof value === 'string') return escapeControls(value, { keepLines: key !== undefined && MULTILINE.has(key) }) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v): unknown => safe(v, key)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safe(v, k)])) as T;
  }
  return value;
}
