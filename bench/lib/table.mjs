/** The results table: every figure beside its baseline, the ratio, the target, and whether it was met. */
export function printTable(rows, out = (s) => process.stdout.write(s)) {
  const headers = ['#', 'measure', 'figure', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.id, r.measure, r.figure, r.baseline, r.ratio, r.target, r.met === undefined ? '-' : r.met ? 'met' : 'MISSED']);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => '| ' + c.map((x, i) => String(x).padEnd(widths[i])).join(' | ') + ' |';
  out([line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line)].join('\n') + '\n');
}
