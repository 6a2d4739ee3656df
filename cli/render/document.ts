/**
 * The SOP as its document lays it out, in plain text that reads in an
 * 80-column terminal: the identity block, the numbered sections, and the
 * procedure table with one block per row. Headings stay in the document's
 * Indonesian.
 */
import type { SopDefinition, Step } from '../../engine/index.js';
import { labelled, numbered, wrap } from './wrap.js';

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** "2025-08-04" -> "4 Agustus 2025", as the documents print dates. */
export function tanggal(iso: string | null): string {
  if (!iso) return '-';
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

export function renderDocument(def: SopDefinition, width: number): string[] {
  const id = def.identity;
  const out: string[] = [];
  const rule = '='.repeat(Math.min(width, 80));
  out.push(rule, ...wrap(id.agency.toUpperCase(), width), ...wrap(id.unit.toUpperCase(), width));
  out.push('STANDAR OPERASIONAL PROSEDUR (SOP)', ...wrap(id.name.toUpperCase(), width), rule, '');

  const field = (label: string, text: string) => out.push(...labelled(label, text, width, 21));
  field('Nomor SOP', id.number);
  field('Tanggal Pembuatan', tanggal(id.createdOn));
  field('Tanggal Revisi', tanggal(id.revisedOn));
  field('Tanggal Pengesahan', tanggal(id.effectiveOn));
  const signer = id.approvedBy;
  const signedBy = signer ? [signer.note, signer.position, signer.name, signer.rank].filter((s): s is string => !!s) : [];
  if (signedBy.length === 0) field('Disahkan Oleh', '-');
  for (const [i, line] of signedBy.entries()) field(i === 0 ? 'Disahkan Oleh' : '', line);
  field('Nama SOP', id.name);
  field('Revisi berkas', `${def.revision} (id: ${def.id})`);

  const section = (title: string, items: string[]) => out.push('', title, ...numbered(items, width));
  section('DASAR HUKUM', def.legalBasis);
  section('KUALIFIKASI PELAKSANA', def.qualifications);
  section(
    'KETERKAITAN',
    def.related.map((r) => (r.sop ? `${r.name} (sop: ${r.sop})` : r.name)),
  );
  section('PERALATAN/PERLENGKAPAN', def.equipment);
  section('PERINGATAN', def.warnings);
  section('PENCATATAN DAN PENDATAAN', def.records);
  if (def.retention) {
    out.push(...labelled('  Retensi: ', `minimal ${def.retention.minimumYears} tahun`, width));
  }

  out.push('', 'PELAKSANA');
  for (const a of def.actors) {
    out.push(...labelled(`  ${a.id}`, a.name + (a.kind === 'case' ? ' (per kasus)' : ''), width, 30));
  }

  out.push('', 'PROSEDUR', '-'.repeat(Math.min(width, 80)));
  const actorName = new Map(def.actors.map((a) => [a.id, a.name]));
  def.steps.forEach((step, i) => {
    out.push(...renderStep(def, step, def.steps[i + 1], actorName, width), '');
  });
  const ends = def.ends.map((e) => `${e.name} (${e.outcome})`).join('; ');
  out.push(...labelled('Selesai: ', ends, width));
  return out;
}

function renderStep(def: SopDefinition, step: Step, following: Step | undefined, actorName: Map<string, string>, width: number): string[] {
  const lines: string[] = [];
  const head = step.number.padEnd(4);
  const title = wrap(step.activity, width - 4 - (step.kind === 'decision' ? 12 : 0));
  title.forEach((t, i) => {
    const suffix = i === 0 && step.kind === 'decision' ? ' [keputusan]' : '';
    lines.push((i === 0 ? head : '    ') + t + suffix);
  });
  const field = (label: string, text: string) => lines.push(...labelled(`    ${label}`, text, width, 18));
  field('Pelaksana', actorName.get(step.actor) ?? step.actor);
  field('Kelengkapan', step.requirements.length ? step.requirements.join(', ') : '-');
  field('Waktu', step.timeText ?? '-');
  field('Output', step.outputs.length ? step.outputs.map((o) => o.name + (o.sensitive ? ' (sensitive: never stored)' : '')).join('; ') : '-');
  field('Keterangan', step.notes ?? '-');
  if (step.kind === 'decision') {
    const labelWidth = Math.max(...step.exits.map((x) => x.label.length)) + 6;
    for (const x of step.exits) {
      lines.push(...labelled(`    ${x.label}`.padEnd(labelWidth), `-> ${target(def, x.to)}`, width, labelWidth));
    }
  } else if (step.next !== following?.id) {
    field('Lanjut', `-> ${target(def, step.next)}`);
  }
  return lines;
}

function target(def: SopDefinition, id: string): string {
  const step = def.steps.find((s) => s.id === id);
  if (step) return `${step.number} ${step.activity}`;
  const end = def.ends.find((e) => e.id === id);
  return end ? `[selesai: ${end.outcome}] ${end.name}` : id;
}
