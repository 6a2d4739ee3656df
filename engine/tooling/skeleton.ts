/**
 * The file `sop new` writes: every section of the Permenpan-RB 35/2012
 * format, commented for a maintainer, with example values that already make
 * a valid SOP (a process step, a decision, two ends), so that the file
 * passes `sop validate` before the first edit and after each one.
 */
import { SopError } from '../errors.js';
import { SCHEMA_COMMENT } from '../definition/load.js';

const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const RESERVED_IDS = new Set(['calendar']);

export interface SkeletonOptions {
  /** Nama SOP; defaults to the id in words ("permohonan-surat" -> "Permohonan Surat"). */
  name?: string;
  /** Today as YYYY-MM-DD: the Tanggal Pembuatan and Pengesahan of the example. */
  today: string;
}

/** Throws SopError `sop.invalid-id` unless `id` can name an SOP file. */
export function assertNewSopId(id: string): void {
  if (!KEBAB_ID.test(id) || id.length > 64) {
    throw new SopError('sop.invalid-id', `"${id}" cannot be an SOP id: use lowercase letters and digits separated by single hyphens, at most 64 characters`, {
      data: { sop: id, reserved: false },
    });
  }
  if (RESERVED_IDS.has(id)) {
    throw new SopError('sop.invalid-id', `"${id}" is reserved: ${id}.yaml in the SOP folder is the office calendar`, {
      data: { sop: id, reserved: true },
    });
  }
}

/**
 * The text of a new SOP file.
 *
 * @example sopSkeleton('permohonan-surat', { today: '2026-11-22' }) // "# yaml-language-server: ..."
 */
export function sopSkeleton(id: string, options: SkeletonOptions): string {
  assertNewSopId(id);
  const name = yamlText(
    options.name ??
      id
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(' '),
  );
  const today = options.today;
  return `${SCHEMA_COMMENT}
#
# SOP ${name.replace(/^"|"$/g, '')}: written by \`sop new ${id}\`. Every section of the
# SOP format (Permenpan-RB 35/2012) is below, filled with example values that
# already make a valid SOP. Replace them with the text of your document (keep
# its Indonesian wording), then check and look at the result:
#
#   sop validate sops/${id}.yaml        # errors and warnings, each at its line
#   sop render ${id} --out ${id}.html   # the document as the office prints it
#   sop graph ${id}                     # the flowchart (Mermaid; --format dot)
#   sop paths ${id}                     # every path, with its total waktu
#
# Comments (lines starting with #) are for you: delete them when done.

id: ${id}                   # the file name without .yaml; never change it once instances exist
revision: 1                 # raise it with every change meant for use

# Identitas SOP: the identity block at the top of the document.
identity:
  agency: Pemerintah Kabupaten Contoh         # Instansi
  unit: Dinas Contoh                          # Unit kerja
  number: B-000/DINAS/000.0/00/0000           # Nomor SOP, as printed
  name: ${name}
  createdOn: ${today}                         # Tanggal Pembuatan, YYYY-MM-DD
  revisedOn: null                             # Tanggal Revisi; null prints "-"
  effectiveOn: ${today}                       # Tanggal Pengesahan/Efektif
  approvedBy:                                 # Disahkan Oleh (each line optional)
    note: Ditandatangani Secara Elektronik Oleh
    position: Kepala Dinas Contoh
    name: Nama Pejabat, S.Sos.
    rank: Pembina Tingkat I

# Dasar Hukum: one regulation per item.
legalBasis:
  - Peraturan Menteri PAN RB Nomor 35 Tahun 2012 Tentang Pedoman Penyusunan SOP Administrasi Pemerintahan

# Kualifikasi Pelaksana: what the people who carry it out must know or be able to do.
qualifications:
  - Mampu mengoperasikan komputer dengan baik

# Keterkaitan: related SOPs. An SOP of this folder is referenced by id
# (checked); any other is named only.
related:
  - name: SOP Contoh Lain
  # - sop: pengelolaan-akses-pengguna
  #   name: SOP Pengelolaan Akses Pengguna

# Peralatan/Perlengkapan: equipment and supplies.
equipment:
  - PC/Laptop
  - Jaringan internet

# Peringatan: what happens if the SOP is not followed, and what is forbidden.
warnings:
  - Jika SOP ini tidak dilaksanakan, layanan kepada pemohon akan terhambat

# Pencatatan dan Pendataan: the records to keep.
records:
  - Surat Permohonan
  - Surat Hasil

# How long the records are kept, when the document says so (optional).
# retention:
#   minimumYears: 2
#   note: Data pencatatan disimpan minimal 2 tahun

# Pelaksana: one column each in the procedure table. The id is the role that
# people are granted (sop user grant <name> <id>); the same id in two SOPs is
# the same role. kind: case is a person of the case (a Pemohon), bound when an
# instance starts (sop start ${id} --assign pemohon=<name>), by default to
# whoever starts it.
actors:
  - id: pemohon
    name: Pemohon
    kind: case
  - id: petugas
    name: Petugas Layanan

# start: pengajuan          # the first step; by default the first one below

# Prosedur: one item per row of the procedure table, in the document's order.
# A step leads to the one below it unless it says next: <step or end id>.
steps:
  - id: pengajuan                       # kebab-case, unique; the CLI names steps by it
    number: 1                           # No, as printed
    activity: Pengajuan permohonan      # Uraian Prosedur
    actor: pemohon                      # Pelaksana: an actor id from above
    requirements:                       # Mutu Baku: Kelengkapan
      - Formulir permohonan
    time: 10 Menit                      # Mutu Baku: Waktu: "10 Menit", "2 Jam", "1 Hari" (a working day)
    outputs:                            # Mutu Baku: Output; write outputs: [] when the document has none
      - id: surat-permohonan            # the operator gives it: sop advance ... --output surat-permohonan=...
        name: Surat Permohonan
        # sensitive: true               # a password: never stored, only that it was given
    notes: Diajukan melalui loket atau surel   # Keterangan (optional)

  # A decision (diamond): two or more exits, each with the label the flowchart
  # writes. The operator chooses with sop advance <instance> --choice <label>.
  # An exit back to an earlier step makes a loop; keep one exit that leads on.
  - id: pemeriksaan
    number: 2
    activity: Pemeriksaan kelengkapan permohonan
    actor: petugas
    requirements:
      - Surat Permohonan
    time: 1 Hari
    exits:
      - label: Lengkap
        to: penyelesaian
      - label: Tidak Lengkap
        to: ditolak

  - id: penyelesaian
    number: 3
    activity: Penyelesaian dan penyampaian hasil
    actor: petugas
    requirements:
      - PC/Laptop
    time: 30 Menit
    outputs:
      - id: surat-hasil
        name: Surat Hasil
    next: selesai                       # the last step must say where it leads

# Ends (terminators): where the procedure stops, each with the outcome that
# the history records (selesai, ditolak, ...).
ends:
  - id: selesai
    name: Selesai
    outcome: selesai
  - id: ditolak
    name: Permohonan tidak lengkap
    outcome: ditolak
`;
}

/** A YAML scalar for free text: plain when that reads the same, else double-quoted (JSON is valid YAML). */
function yamlText(text: string): string {
  const plain = /^[\p{L}\p{N}][\p{L}\p{N} ,.()/'-]*$/u.test(text) && !/\s$/.test(text);
  return plain ? text : JSON.stringify(text);
}
