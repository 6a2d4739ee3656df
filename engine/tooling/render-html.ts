/**
 * The SOP document as one self-contained HTML file, laid out as the signed
 * documents are (Permenpan-RB 35/2012): the identity block and the sections
 * on the first page, then the procedure table with one column per actor
 * holding each step's flowchart symbol, joined by arrows, and the mutu baku
 * columns and the keterangan. No script, no network: inline CSS and SVG. It
 * prints on A4 landscape.
 */
import type { SopDefinition } from '../definition/types.js';
import { documentModel, tanggal } from './document-model.js';
import type { DocumentModel, DocumentRow } from './document-model.js';
import { flowCell, planCell } from './flow-cell.js';
import { escapeHtml as e } from './html-escape.js';

/** Width of the printable area of an A4 landscape page with 10 mm margins (277 mm), less room for the outer border. */
const PAGE_MM = 275;

/** @example renderHtml(loadSop('sops', 'pengecualian-smki')) // "<!DOCTYPE html>..." */
export function renderHtml(def: SopDefinition): string {
  const model = documentModel(def);
  const id = def.identity;
  return `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="generator" content="sop render (${e(def.id)}, revisi ${def.revision})">
<title>SOP ${e(id.name)} – ${e(id.number)}</title>
<style>${CSS}</style>
</head>
<body>
<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
<marker id="panah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>
</defs></svg>
<section class="halaman identitas-halaman">
${heading(def)}
${identityTable(def)}
${sectionsTable(def)}
</section>
<section class="halaman">
${procedureTable(def, model)}
</section>
</body>
</html>
`;
}

function heading(def: SopDefinition): string {
  const id = def.identity;
  return `<header class="kop">
<div class="judul">PROSEDUR BAKU PELAKSANAAN KEGIATAN<br>STANDAR OPERASIONAL PROSEDUR (SOP)</div>
<div class="nama-sop">${e(id.name.toUpperCase())}</div>
</header>`;
}

function identityTable(def: SopDefinition): string {
  const id = def.identity;
  const signer = id.approvedBy;
  const signedBy = signer
    ? [
        signer.note ? `<div class="catatan">${e(signer.note)} :</div>` : '',
        signer.position ? `<div class="jabatan">${e(signer.position)}</div>` : '',
        signer.name ? `<div class="penanda">${e(signer.name)}</div>` : '',
        signer.rank ? `<div>${e(signer.rank)}</div>` : '',
      ].join('')
    : '';
  const row = (label: string, value: string) => `<tr><th>${label}</th><td>${value}</td></tr>`;
  return `<table class="identitas">
<colgroup><col style="width:38%"><col style="width:20%"><col style="width:42%"></colgroup>
<tr><td class="instansi-sel" rowspan="6"><div>${e(id.agency.toUpperCase())}</div><div>${e(id.unit.toUpperCase())}</div></td>
<th>Nomor SOP</th><td>${e(id.number)}</td></tr>
${row('Tanggal Pembuatan', e(tanggal(id.createdOn)))}
${row('Tanggal Revisi', e(tanggal(id.revisedOn)))}
${row('Tanggal Pengesahan', e(tanggal(id.effectiveOn)))}
${row('Disahkan Oleh', signedBy || '-')}
${row('Nama SOP', `<strong>${e(id.name)}</strong>`)}
</table>`;
}

function sectionsTable(def: SopDefinition): string {
  const records = [...def.records];
  if (def.retention && !records.includes(def.retention.note ?? '')) {
    records.push(`Disimpan minimal ${def.retention.minimumYears} tahun${def.retention.note ? ` (${def.retention.note})` : ''}`);
  }
  const pair = (a: string, aItems: string[], b: string, bItems: string[]) => `<tr><th>${a}</th><th>${b}</th></tr>\n<tr><td>${list(aItems)}</td><td>${list(bItems)}</td></tr>`;
  return `<table class="bagian">
<colgroup><col style="width:50%"><col style="width:50%"></colgroup>
${pair('DASAR HUKUM', def.legalBasis, 'KUALIFIKASI PELAKSANA', def.qualifications)}
${pair(
  'KETERKAITAN',
  def.related.map((r) => r.name),
  'PERALATAN/PERLENGKAPAN',
  def.equipment,
)}
${pair('PERINGATAN', def.warnings, 'PENCATATAN DAN PENDATAAN', records)}
</table>`;
}

function list(items: string[]): string {
  if (items.length === 0) return '-';
  return `<ol>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ol>`;
}

/**
 * Column widths in millimetres: each actor column gets 24 to 40 mm (room for
 * a symbol and a labelled connector beside it, which may run into the next
 * actor column); a single actor column, with no neighbour to run into, gets
 * 60 mm. The other columns share the rest of the page in fixed proportions.
 */
function columnWidths(actors: number): { actor: number; others: number[] } {
  const weights = [8, 48, 40, 16, 30, 38];
  const actor = actors === 1 ? 60 : Math.min(40, Math.max(24, 97 / actors));
  const rest = PAGE_MM - actor * actors;
  const sum = weights.reduce((a, b) => a + b, 0);
  return { actor, others: weights.map((w) => Math.round(((w * rest) / sum) * 10) / 10) };
}

function procedureTable(def: SopDefinition, model: DocumentModel): string {
  const n = model.actors.length;
  const widths = columnWidths(n);
  const [no, uraian, kelengkapan, waktu, output, keterangan] = widths.others as [number, number, number, number, number, number];
  const col = (mm: number) => `<col style="width:${mm}mm">`;
  const cols = [col(no), col(uraian), ...model.actors.map(() => col(widths.actor)), col(kelengkapan), col(waktu), col(output), col(keterangan)];
  const head = `<thead>
<tr><th rowspan="2">NO</th><th rowspan="2">URAIAN PROSEDUR</th><th colspan="${n}">PELAKSANA</th><th colspan="3">MUTU BAKU</th><th rowspan="2">KETERANGAN</th></tr>
<tr>${model.actors.map((a) => `<th class="pelaksana">${e(a.name)}</th>`).join('')}<th>Kelengkapan</th><th>Waktu</th><th>Output</th></tr>
</thead>`;
  const body = model.rows.map((r) => procedureRow(r, n)).join('\n');
  return `<div class="judul-prosedur">${e(def.identity.name)} <span>${e(def.identity.number)}</span></div>
<table class="prosedur">
<colgroup>${cols.join('')}</colgroup>
${head}
<tbody>
${body}
</tbody>
</table>`;
}

function procedureRow(row: DocumentRow, lanes: number): string {
  const plan = planCell(row, lanes);
  const laneCells = Array.from({ length: lanes }, (_, lane) => `<td class="lajur">${flowCell(row, lane, plan)}</td>`).join('');
  const lines = (items: string[]) => items.map(e).join('<br>');
  const cls = row.kind === 'end' ? ' class="akhir"' : '';
  return `<tr${cls} style="height:${plan.height}px"><td class="no">${e(row.number)}</td><td>${e(row.text)}</td>${laneCells}<td>${e(row.requirements.join(', '))}</td><td class="waktu">${e(row.time ?? '')}</td><td>${lines(row.outputs)}</td><td>${e(row.notes ?? '')}</td></tr>`;
}

const CSS = `
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 9pt; line-height: 1.25; }
@media screen {
  body { background: #d4d4d4; padding: 6mm 0; }
  .halaman { background: #fff; width: 297mm; min-height: 210mm; margin: 0 auto 6mm; padding: 10mm; box-shadow: 0 1px 5px rgba(0,0,0,.35); }
}
@media print { .halaman { padding: 0 0.5mm; } .halaman + .halaman { break-before: page; } }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 0.9mm 1.5mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { font-weight: bold; }
ol { margin: 0; padding-left: 5mm; }
li { margin: 0 0 .3mm; }
.kop { text-align: center; font-weight: bold; margin-bottom: 3mm; }
.kop .judul { font-size: 10pt; }
.kop .nama-sop { font-size: 12pt; margin-top: 1mm; }
.identitas { margin-bottom: 2mm; }
.identitas th { width: 20%; }
.identitas .instansi-sel { text-align: center; vertical-align: middle; font-weight: bold; font-size: 11pt; }
.identitas .catatan { font-style: italic; }
.identitas .jabatan { text-transform: uppercase; }
.identitas .penanda { font-weight: bold; }
.bagian { font-size: 8.5pt; }
.bagian th { text-align: left; background: #f0f0f0; }
.judul-prosedur { font-weight: bold; font-size: 10pt; margin-bottom: 2mm; }
.judul-prosedur span { font-weight: normal; margin-left: 3mm; }
.prosedur { font-size: 8pt; }
.prosedur thead th { text-align: center; vertical-align: middle; background: #f0f0f0; }
.prosedur thead { display: table-header-group; }
.prosedur tr { break-inside: avoid; }
.prosedur td.no, .prosedur td.waktu { text-align: center; }
.prosedur tr.akhir td { font-style: italic; }
.prosedur tr.akhir { break-before: avoid; }
.prosedur td.lajur { position: relative; padding: 0; overflow: visible; }
svg.alir { position: absolute; top: 0; left: 0; overflow: visible; }
svg.alir line, svg.alir polyline { stroke: #000; stroke-width: 1.2; fill: none; }
svg.alir .simbol { fill: #fff; stroke: #000; stroke-width: 1.3; }
svg.alir .penghubung { fill: #fff; stroke: #000; stroke-width: 1.1; }
svg.alir text { font-family: Arial, Helvetica, "Liberation Sans", sans-serif; fill: #000; }
svg.alir .label { font-size: 7.5px; font-style: italic; }
svg.alir .huruf { font-size: 8px; font-weight: bold; font-style: normal; }
marker path { fill: #000; }
.terus { position: absolute; left: 50%; bottom: 0; border-left: 1.2px solid #000; margin-left: -0.6px; }
`;
