/**
 * What the YAML files of the SOP folder said, so that hot commands need no
 * YAML parse: `sop status` asks whether the SOP file now holds another
 * definition than the instance's, and every command that shows a due time
 * needs the office calendar. A file is known by its path and what stat()
 * says of it (size, modification time to the nanosecond, inode), as git's
 * index and make know files: a stat costs microseconds, where parsing and
 * checking the file costs loading the YAML parser and the validator.
 *
 * A cache, outside the hash chain: deleting the table loses nothing.
 */
export const sql = `
CREATE TABLE source_cache (
  key    TEXT NOT NULL,   -- absolute path, size, mtime (ns) and inode of the file
  kind   TEXT NOT NULL CHECK (kind IN ('sop', 'calendar')),
  -- 'sop': {"hash", "revision"} of the definition the file holds; 'calendar': the calendar as canonical JSON.
  result TEXT NOT NULL,
  PRIMARY KEY (key, kind)
) WITHOUT ROWID;
`;
