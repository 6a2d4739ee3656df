/** Splits text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(width, 8);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while ([...rest].length > w) {
        if (line) {
          lines.push(line);
          line = '';
        }
        const chars = [...rest];
        lines.push(chars.slice(0, w).join(''));
        rest = chars.slice(w).join('');
      }
      if (!line) line = rest;
      else if ([...line].length + 1 + [...rest].length <= w) line += ' ' + rest;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** `label` then the wrapped text, continuation lines indented under the text. */
export function labelled(label: string, text: string, width: number, labelWidth = label.length): string[] {
  const pad = ' '.repeat(labelWidth);
  return wrap(text, width - labelWidth).map((l, i) => (i === 0 ? label.padEnd(labelWidth) : pad) + l);
}

/** A numbered list: "1. ..." with wrapped items. */
export function numbered(items: string[], width: number, indent = '  '): string[] {
  if (items.length === 0) return [`${indent}-`];
  const numWidth = `${items.length}. `.length;
  return items.flatMap((item, i) => labelled(`${indent}${i + 1}.`.padEnd(indent.length + numWidth), item, width));
}

/** A plain text table; cells are not wrapped, so keep them short. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
