/**
 * Orders text by UTF-16 code units, as the timestamps and ids of the store
 * are written. Not localeCompare: its first call sets up an ICU collator,
 * about 10 ms of an operator's `sop tasks`, for an order that ASCII ids and
 * ISO 8601 times do not need.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
