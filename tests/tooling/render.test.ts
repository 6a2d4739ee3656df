/**
 * The SOP document rendered from YAML. The HTML of each seed must hold every
 * step, actor, waktu and output of its document, draw each step's symbol in
 * its actor's column, join the symbols with arrows, and stand alone (no
 * script, no network) on A4 landscape. The Markdown holds the same content.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSopSource, loadSop, SCHEMA_COMMENT } from '../../engine/definition/load.js';
import { documentModel } from '../../engine/tooling/document-model.js';
import { renderHtml } from '../../engine/tooling/render-html.js';
import { renderMarkdown } from '../../engine/tooling/render-md.js';
import type { SopDefinition } from '../../engine/index.js';

const SOPS = fileURLToPath(new URL('../../sops/', import.meta.url));
const SEEDS = ['pengecualian-smki', 'implementasi-security-patch', 'pengelolaan-akses-pengguna'];

/** What a reader sees: tags dropped, entities read back, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ');
}
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The body rows of the procedure table, each as its list of <td> contents. */
function procedureRows(html: string): string[][] {
  const body = html.slice(html.indexOf('<table class="prosedur">'));
  const tbody = body.slice(body.indexOf('<tbody>'), body.indexOf('</tbody>'));
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
}

describe.each(SEEDS)('Given the seed %s, When rendered as HTML', (id) => {
  const def = loadSop(SOPS, id);
  const html = renderHtml(def);
  const text = visibleText(html);

  it('Then it holds every step, actor, waktu and output of the document, and the identity and sections', () => {
    for (const s of def.steps) {
      expect(text).toContain(oneLine(s.activity));
      expect(text).toContain(s.timeText!);
      for (const o of s.outputs) expect(text).toContain(o.name);
      for (const r of s.requirements) expect(text).toContain(r);
      if (s.notes) expect(text).toContain(s.notes);
    }
    for (const a of def.actors) expect(text).toContain(a.name);
    for (const e of def.ends) expect(text).toContain(e.name);
    for (const item of [...def.legalBasis, ...def.qualifications, ...def.equipment, ...def.warnings, ...def.records, ...def.related.map((r) => r.name)]) {
      expect(text).toContain(oneLine(item));
    }
    expect(text).toContain(def.identity.number);
    expect(text).toContain('NO URAIAN PROSEDUR PELAKSANA MUTU BAKU KETERANGAN');
    expect(text).toContain('Kelengkapan Waktu Output');
  });

  it("Then each row's symbol stands in its actor's column, with the shape of its kind", () => {
    const rows = procedureRows(html);
    expect(rows).toHaveLength(def.steps.length + def.ends.length);
    const lanes = def.actors.length;
    rows.forEach((cells, i) => {
      expect(cells).toHaveLength(2 + lanes + 4);
      const laneCells = cells.slice(2, 2 + lanes);
      const withSymbol = laneCells.flatMap((c, lane) => (c.includes('class="simbol"') ? [lane] : []));
      const step = def.steps[i];
      const expectedLane = step ? def.actors.findIndex((a) => a.id === step.actor) : withSymbol[0];
      expect(withSymbol).toEqual([expectedLane]);
      const symbol = laneCells[expectedLane!]!;
      if (step?.kind === 'decision') expect(symbol).toContain('<polygon class="simbol"');
      else if (step && step.id !== def.start) expect(symbol).toMatch(/<rect class="simbol"[^>]* rx="0"/);
      else expect(symbol).toMatch(/<rect class="simbol"[^>]* rx="13"/);
    });
  });

  it('Then consecutive symbols are joined by arrows, and every other arrow leaves and enters through a lettered connector', () => {
    const rows = procedureRows(html);
    const model = documentModel(def);
    model.rows.forEach((row, i) => {
      const cells = rows[i]!.join('');
      // An arrow leaving downwards is a line to the bottom of the cell; the next row's arrow ends on its symbol.
      expect(cells.includes('class="terus"')).toBe(row.down !== null);
      const arrowheads = (cells.match(/marker-end="url\(#panah\)"/g) ?? []).length;
      expect(arrowheads).toBe((row.fromLane !== null ? 1 : 0) + row.jumpsIn.length);
      const letters = [...cells.matchAll(/<text class="huruf"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
      expect(letters).toEqual([...row.jumpsOut.map((c) => c.letter), ...row.jumpsIn.map((c) => c.letter)]);
    });
    // Every connector letter appears where the flow leaves and where it arrives.
    const out = model.rows.flatMap((r) => r.jumpsOut.map((c) => c.letter));
    const into = model.rows.flatMap((r) => r.jumpsIn.map((c) => c.letter));
    expect([...new Set(out)].sort()).toEqual([...into].sort());
  });

  it('Then it is one self-contained file that prints on A4 landscape', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('@page { size: A4 landscape;');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|src=/i);
    expect([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1])).toEqual(expect.arrayContaining(['#panah']));
    expect([...html.matchAll(/url\(([^)]*)\)/g)].every((m) => m[1] === '#panah')).toBe(true);
  });
});

describe('the flow of pengecualian-smki in its procedure table', () => {
  const model = documentModel(loadSop(SOPS, 'pengecualian-smki'));
  const row = (n: string) => model.rows.find((r) => r.number === n)!;

  it('Then 3 -> 4 goes down with "Setuju"; "Tidak Setuju" leaves through connector A to the end row "Permohonan tidak disetujui"', () => {
    expect(row('3').down).toEqual({ label: 'Setuju' });
    expect(row('3').jumpsOut).toEqual([{ letter: 'A', label: 'Tidak Setuju', row: 9 }]);
    expect(model.rows[9]).toMatchObject({ kind: 'end', text: 'Permohonan tidak disetujui', jumpsIn: [{ letter: 'A' }] });
  });

  it('Then the loop 6 -> 5 is drawn as connector C, and "Tidak Terjadi" 5 -> 7 as connector B', () => {
    expect(row('5').down).toEqual({ label: 'Terjadi Anomali' });
    expect(row('5').jumpsOut).toEqual([{ letter: 'B', label: 'Tidak Terjadi', row: 6 }]);
    expect(row('6').jumpsOut).toEqual([{ letter: 'C', label: null, row: 4 }]);
    expect(row('5').jumpsIn.map((c) => c.letter)).toEqual(['C']);
    expect(row('7').jumpsIn.map((c) => c.letter)).toEqual(['B']);
  });
});

describe('escaping', () => {
  const def = hostile();

  it('Given markup in the SOP text, Then the HTML shows it as text and runs nothing', () => {
    const html = renderHtml(def);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(visibleText(html)).toContain('<script>alert("x")</script> & | `kode`');
  });

  it('Given table and emphasis characters in the SOP text, Then every Markdown row keeps its columns', () => {
    const mdText = renderMarkdown(def);
    expect(mdText).not.toContain('<script>');
    expect(mdText).toContain('&lt;script&gt;alert("x")&lt;/script&gt; & \\| \\`kode\\`');
    const table = mdText.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Identitas') && l.split(/(?<!\\)\|/).length > 4);
    const columns = (l: string) => l.split(/(?<!\\)\|/).length;
    expect(new Set(table.map(columns)).size).toBe(1);
  });
});

describe('Given the seed pengelolaan-akses-pengguna, When rendered as Markdown', () => {
  const def = loadSop(SOPS, 'pengelolaan-akses-pengguna');
  const md = renderMarkdown(def);

  it('Then it holds the identity block, the sections, every step, actor, waktu and output, and the flowchart as Mermaid', () => {
    expect(md).toContain('| Nomor SOP | B-015/DISKOMINFO/000.8.3.3/04/2025 |');
    expect(md).toContain('| Tanggal Pembuatan | 10 April 2025 |');
    for (const title of ['Dasar Hukum', 'Kualifikasi Pelaksana', 'Keterkaitan', 'Peralatan/Perlengkapan', 'Peringatan', 'Pencatatan dan Pendataan', 'Prosedur']) {
      expect(md).toContain(`### ${title}\n`);
    }
    expect(md).toContain('| No | Uraian Prosedur | Kepala Bidang Aptika | Administrator | Pengguna | Kelengkapan | Waktu | Output | Keterangan |');
    for (const s of def.steps) {
      expect(md).toContain(`| ${s.number} | ${s.activity} |`);
      expect(md).toContain(`| ${s.timeText} |`);
      for (const o of s.outputs) expect(md).toContain(o.name.replace(/_/g, '\\_'));
    }
    expect(md).toContain('```mermaid\n%% Pengelolaan Akses Pengguna');
  });

  it("Then each row's symbol marker is in its actor's column, and the exits say where they go", () => {
    const row = (n: string) =>
      md
        .split('\n')
        .find((l) => l.startsWith(`| ${n} | `))!
        .split(' | ');
    // No, Uraian, then Kepala Bidang Aptika, Administrator, Pengguna.
    expect(row('1').slice(2, 5)).toEqual(['', '', '`( )` ↓']);
    expect(row('3').slice(2, 5)).toEqual(['`< >` ↓ Disetujui →A Tidak disetujui', '', '']);
    expect(row('5').slice(2, 5)).toEqual(['', '`[ ]` ↓', '']);
    expect(md).toMatch(/^\| {2}\| \*Usulan tidak disetujui\* \| A→ `\( \)` \|/m);
  });
});

function hostile(): SopDefinition {
  const text = `${SCHEMA_COMMENT}
id: aneh
revision: 1
identity: { agency: A, unit: U, number: 'N|1', name: 'Uji <b>', createdOn: 2025-01-01, effectiveOn: 2025-01-01 }
actors: [{ id: petugas, name: 'Petugas | *Satu*' }]
steps:
  - id: tulis
    number: 1
    activity: '<script>alert("x")</script> & | \`kode\`'
    actor: petugas
    time: 5 Menit
    outputs: [{ id: hasil, name: '_Hasil_ [tautan](x)' }]
    next: selesai
ends: [{ id: selesai, outcome: selesai }]
`;
  const checked = checkSopSource('aneh.yaml', text, () => false);
  if (!checked.definition) throw new Error(checked.problems.map((p) => p.message).join('\n'));
  return checked.definition;
}
