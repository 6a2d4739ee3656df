/**
 * The on-time share an SOP needs to be "berjalan dengan baik" in the
 * report, unless the caller sets another. Apart from report.ts so that the
 * public entry can name it without loading the report.
 */
export const DEFAULT_TARGET = 0.8;
