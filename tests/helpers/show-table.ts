/**
 * Reads the procedure table back from `sop show` text, so tests can compare
 * it row by row with the document.
 */
export interface ShownRow {
  no: string;
  uraian: string;
  pelaksana: string;
  kelengkapan: string;
  waktu: string;
  output: string;
  keterangan: string;
  exits: string[];
}

const FIELDS: Record<string, keyof ShownRow> = {
  Pelaksana: 'pelaksana',
  Kelengkapan: 'kelengkapan',
  Waktu: 'waktu',
  Output: 'output',
  Keterangan: 'keterangan',
};

export function procedureRows(text: string): ShownRow[] {
  const lines = text.split('\n');
  const start = lines.indexOf('PROSEDUR');
  const rows: ShownRow[] = [];
  let row: ShownRow | undefined;
  let last: { key: keyof ShownRow } | { exit: number } | undefined;
  for (const line of lines.slice(start + 2)) {
    if (line.startsWith('Selesai: ')) break;
    if (line.trim() === '') {
      row = undefined;
      continue;
    }
    const head = /^(\S+)\s+(.*?)( \[keputusan\])?$/.exec(line);
    if (!row && head) {
      row = { no: head[1]!, uraian: head[2]!, pelaksana: '', kelengkapan: '', waktu: '', output: '', keterangan: '', exits: [] };
      rows.push(row);
      last = { key: 'uraian' };
      continue;
    }
    if (!row) continue;
    const field = /^ {4}(Pelaksana|Kelengkapan|Waktu|Output|Keterangan|Lanjut)\s{2,}(.*)$/.exec(line);
    const exit = /^ {4}(\S.*?)\s+-> (.*)$/.exec(line);
    if (field) {
      if (field[1] === 'Lanjut') {
        last = undefined;
        continue;
      }
      const key = FIELDS[field[1]!]!;
      (row[key] as string) = field[2]!;
      last = { key };
    } else if (exit) {
      row.exits.push(exit[1]!);
      last = { exit: row.exits.length - 1 };
    } else if (last && 'key' in last) {
      (row[last.key] as string) += ' ' + line.trim();
    }
  }
  return rows;
}
