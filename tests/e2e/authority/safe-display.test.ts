/**
 * Safe display (issue 11): SOP texts and titles with terminal escape
 * sequences and bidirectional controls were printed raw by show, tasks,
 * status, history and list. Now the language refuses them in SOP files
 * (text.control-character), and whatever reaches the terminal from the
 * store (a definition stored before the rule, a title written into the row)
 * is shown escaped: `\u001b[2J` as those six characters, never the
 * character that clears the screen.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadSop } from '../../../engine/definition/load.js';
import type { SopDefinition } from '../../../engine/definition/types.js';
import { Store } from '../../../engine/store/index.js';
import { SOPS } from '../../helpers/cli.js';
import { cliOffice, type CliOffice } from './helpers.js';

const CLEAR = '\u001b[2J\u001b[H';
const LINK = '\u001b]8;;https://evil.example/\u0007klik di sini\u001b]8;;\u0007';
const REVERSE = '\u202e';
/** What must never reach the terminal raw: ESC, BEL and the right-to-left override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
const RAW = /[\u001b\u0007\u202e]/;

/** The seed with hostile texts, as a definition stored before the rule was there. */
function hostileDefinition(): SopDefinition {
  const def = structuredClone(loadSop(SOPS, 'pengecualian-smki'));
  def.id = 'hostile';
  def.identity.name = `Pengecualian ${REVERSE}fdp.exe`;
  def.actors.find((a) => a.id === 'pemohon')!.name = `Pemohon${CLEAR}`;
  def.steps[0]!.activity = `Pengajuan ${LINK}`;
  def.steps[0]!.notes = `Baris satu\nBaris dua ${CLEAR}`;
  return def;
}

describe('Given a definition with escape sequences that slipped into the store before the rule, and a title with U+202E', () => {
  let office: CliOffice;
  let id: string;
  let letter: string;
  beforeAll(() => {
    office = cliOffice({ sari: [], andi: ['pengelola-tim-teknis'] });
    const store = Store.open(office.db, { mustExist: true });
    try {
      store.write((tx) => {
        const hash = tx.putDefinition(hostileDefinition());
        tx.publish({ kind: 'sop', hash, sop: 'hostile', revision: 1, effectiveOn: '2025-01-01' }, { user: 'admin', via: 'program' });
      });
    } finally {
      store.close();
    }
    id = office.ok('sari', ['start', 'hostile', '--title', 'Permohonan biasa']).trim();
    letter = join(office.dir, 'surat.txt');
    writeFileSync(letter, 'Surat\n');
    // A title as an older record may hold it: written into the row.
    const db = new Database(office.db);
    db.prepare('UPDATE instances SET title = ? WHERE id = ?').run(`Permohonan ${REVERSE}gpj.exe ${CLEAR}`, id);
    db.close();
  });

  /** The output, checked to hold nothing raw, with its wrapped lines joined (the texts are long). */
  const shownEscaped = (out: string) => {
    expect(out).not.toMatch(RAW);
    return out.replace(/\s+/g, ' ');
  };

  it('status, tasks, list and history show every such character escaped', () => {
    const status = shownEscaped(office.ok('sari', ['status', id]));
    expect(status).toContain('Permohonan \\u202egpj.exe \\u001b[2J\\u001b[H');
    expect(status).toContain('Pengajuan \\u001b]8;;https://evil.example/\\u0007klik di sini\\u001b]8;;\\u0007');
    expect(status).toContain('Pengecualian \\u202efdp.exe');
    expect(shownEscaped(office.ok('sari', ['tasks']))).toContain('1 Pengajuan \\u001b]8;;https://evi…');
    expect(shownEscaped(office.ok('sari', ['list']))).toContain('Permohonan \\u202egpj.exe');
    office.ok('sari', ['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=@${letter}`, '--note', 'catatan biasa']);
    const history = shownEscaped(office.ok('admin', ['history', id]));
    expect(history).toContain('Permohonan \\u202egpj.exe');
    expect(history).toContain('completed step 1 Pengajuan');
  });

  it('advance, replay and report show them escaped too', () => {
    const advanced = shownEscaped(office.ok('andi', ['advance', id, '--step', 'analisis-resiko', '--output', 'daftar-resiko=x']));
    expect(advanced).toContain('next: step 3');
    // The title written into the row differs from the started event's: replay says so (exit 1), escaped like the rest.
    const replay = office.run('admin', ['replay', id]);
    expect(replay.code).toBe(1);
    expect(shownEscaped(replay.stdout)).toContain('replay.state');
    for (const format of ['table', 'md', 'csv']) expect(shownEscaped(office.ok('admin', ['report', '--format', format])), format).toContain('\\u202efdp.exe');
  });

  it('--json keeps the text as it is, with every such character written as a \\u escape: the same JSON, nothing raw', () => {
    for (const args of [
      ['status', id, '--json'],
      ['tasks', '--all', '--json'],
      ['list', '--json'],
      ['history', id, '--json'],
      ['report', '--json'],
      ['replay', id, '--json'],
    ]) {
      const out = office.run('admin', args).stdout;
      expect(out, args.join(' ')).not.toMatch(RAW);
      expect(JSON.stringify(JSON.parse(out)), args.join(' ')).toMatch(RAW);
    }
    expect(JSON.parse(office.ok('admin', ['status', id, '--json'])).title).toBe(`Permohonan ${REVERSE}gpj.exe ${CLEAR}`);
  });
});

describe('Given an SOP file with an escape sequence in a step and U+202E in its name', () => {
  it('validate refuses it at the line and column (text.control-character); show and catalog say so without printing it raw', () => {
    const office = cliOffice({});
    const file = join(office.sops, 'pengecualian-smki.yaml');
    const text = readFileSync(file, 'utf8').replace('name: Pengecualian Penerapan SMKI', 'name: "Pengecualian \\u202EIKMS"').replace('activity: Pengajuan Permohonan', 'activity: "Pengajuan \\e[2JPermohonan"');
    writeFileSync(file, text);
    const lines = text.split('\n');
    const nameLine = lines.findIndex((l) => l.includes('\\u202EIKMS')) + 1;
    const stepLine = lines.findIndex((l) => l.includes('\\e[2J')) + 1;
    const validate = office.run('admin', ['validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(new RegExp(`pengecualian-smki.yaml:${nameLine}:\\d+ text.control-character identity.name: the text holds the control character U\\+202E`));
    expect(validate.stdout + validate.stderr).toMatch(new RegExp(`pengecualian-smki.yaml:${stepLine}:\\d+ text.control-character steps\\[0\\].activity: the text holds the control character U\\+001B`));
    const show = office.run('admin', ['show', 'pengecualian-smki']);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('text.control-character');
    expect(show.stdout + show.stderr).not.toMatch(RAW);
    const catalog = office.run('admin', ['catalog']);
    expect(catalog.stderr).toContain('pengecualian-smki.yaml is not a valid SOP');
    expect(catalog.stdout + catalog.stderr).not.toMatch(RAW);
    // Publishing it is refused as validate refuses it.
    expect(office.run('admin', ['publish', 'pengecualian-smki']).code).toBe(1);
  });
});
