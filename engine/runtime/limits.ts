/** The limits of what a person may give: records, not archives; a note, not a letter; a title, not a text. */

/** A stored output may be at most this large: records, not archives. */
export const MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
/** A note (or a cancel's reason) may be at most this many characters. */
export const MAX_NOTE = 2000;
/** An instance title may be at most this many characters. */
export const MAX_TITLE = 200;
