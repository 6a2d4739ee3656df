/**
 * The SOP document in Markdown: the same content as the HTML (identity
 * block, sections, procedure table with one column per actor and the mutu
 * baku), with text markers for the flowchart symbols, and the flowchart
 * itself as a Mermaid block that Markdown viewers draw.
 */
import type { SopDefinition } from '../definition/types.js';
import { documentModel, tanggal } from './document-model.js';
import type { DocumentRow } from './document-model.js';
import { mermaidFlowchart } from './graph-mermaid.js';

/** The text markers of the symbols, plain ASCII so that any viewer and any printer shows them. */
const MARKERS: Record<DocumentRow['symbol'], string> = {
  terminator: '( )',
  process: '[ ]',
  decision: '< >',
};

/** @example renderMarkdown(loadSop('sops', 'pengecualian-smki')) // "# PEMERINTAH KABUPATEN ..." */
export function renderMarkdown(def: SopDefinition): string {
  const id = def.identity;
  const out: string[] = [];
  out.push(`# ${md(id.agency.toUpperCase())}`, '', `**${md(id.unit.toUpperCase())}**`, '');
  out.push('PROSEDUR BAKU PELAKSANAAN KEGIATAN STANDAR OPERASIONAL PROSEDUR (SOP)', '');
  out.push(`## ${md(id.name)}`, '');

  const signer = id.approvedBy;
  const signedBy = signer
    ? [signer.note ? `${md(signer.note)} :` : '', signer.position ? md(signer.position) : '', signer.name ? `**${md(signer.name)}**` : '', signer.rank ? md(signer.rank) : ''].filter(Boolean).join('<br>')
    : '';
  out.push('| Identitas | |', '| --- | --- |');
  out.push(`| Nomor SOP | ${md(id.number)} |`);
  out.push(`| Tanggal Pembuatan | ${tanggal(id.createdOn)} |`);
  out.push(`| Tanggal Revisi | ${tanggal(id.revisedOn)} |`);
  out.push(`| Tanggal Pengesahan | ${tanggal(id.effectiveOn)} |`);
  out.push(`| Disahkan Oleh | ${signedBy || '-'} |`);
  out.push(`| Nama SOP | **${md(id.name)}** |`, '');

  const records = [...def.records];
  if (def.retention && !records.includes(def.retention.note ?? '')) {
    records.push(`Disimpan minimal ${def.retention.minimumYears} tahun${def.retention.note ? ` (${def.retention.note})` : ''}`);
  }
  const section = (title: string, items: string[]) => {
    out.push(`### ${title}`, '');
    out.push(...(items.length ? items.map((item, i) => `${i + 1}. ${md(item)}`) : ['-']), '');
  };
  section('Dasar Hukum', def.legalBasis);
  section('Kualifikasi Pelaksana', def.qualifications);
  section(
    'Keterkaitan',
    def.related.map((r) => r.name),
  );
  section('Peralatan/Perlengkapan', def.equipment);
  section('Peringatan', def.warnings);
  section('Pencatatan dan Pendataan', records);

  const model = documentModel(def);
  out.push('### Prosedur', '');
  out.push(`| No | Uraian Prosedur | ${model.actors.map((a) => md(a.name)).join(' | ')} | Kelengkapan | Waktu | Output | Keterangan |`);
  out.push(`| --: | --- | ${model.actors.map(() => ':-:').join(' | ')} | --- | --- | --- | --- |`);
  for (const row of model.rows) {
    const lanes = model.actors.map((_, lane) => (lane === row.lane ? flowMarks(row) : ''));
    const text = row.kind === 'end' ? `*${md(row.text)}*` : md(row.text);
    out.push(`| ${md(row.number)} | ${text} | ${lanes.join(' | ')} | ${md(row.requirements.join(', '))} | ${md(row.time ?? '')} | ${row.outputs.map(md).join('<br>')} | ${md(row.notes ?? '')} |`);
  }
  out.push('');
  out.push(`Simbol: \`( )\` terminator (mulai, selesai), \`[ ]\` proses, \`< >\` keputusan; \`↓\` lanjut ke baris berikutnya; ` + `\`→A\` lanjut lewat penghubung A ke baris yang bertanda \`A→\`.`, '');
  out.push('### Diagram Alir', '', '```mermaid', mermaidFlowchart(def).trimEnd(), '```', '');
  return out.join('\n');
}

/** The symbol of the row in its actor's column, with where the flow comes from and goes. */
function flowMarks(row: DocumentRow): string {
  const parts: string[] = [];
  for (const c of row.jumpsIn) parts.push(`${c.letter}→`);
  parts.push(`\`${MARKERS[row.symbol]}\``);
  if (row.down) parts.push(row.down.label ? `↓ ${md(row.down.label)}` : '↓');
  for (const c of row.jumpsOut) parts.push(c.label ? `→${c.letter} ${md(c.label)}` : `→${c.letter}`);
  return parts.join(' ');
}

/**
 * Text in Markdown, on one line (a table cell or a list item): characters
 * that would start emphasis, code, links, a table column or HTML are escaped.
 */
export function md(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
