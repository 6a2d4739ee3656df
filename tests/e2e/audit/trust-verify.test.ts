/**
 * `sop verify` checks who was allowed, and accounts for everything the
 * store holds (issue 11), through the built CLI: each attack is done on a
 * copy of a store (the operators' fixture, or one built here by the CLI
 * itself, as people bound to their OS logins), then `sop verify` must exit 1
 * and name the break; what is refused at the time writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sop, STACK_TRACE, SOPS, tempDir } from '../../helpers/cli.js';
import { buildAuditFixture, copyStore, logRows, type AuditFixture } from '../../audit/fixture.js';
import { chainHash } from '../../../engine/store/chain.js';
import { dropGuards, entries, rechain, rewriteEntry } from '../../audit/trust-helpers.js';

interface Report {
  ok: boolean;
  breaks: { code: string; seq?: number; instance?: string; message: string }[];
}

let f: AuditFixture;

beforeAll(async () => {
  f = await buildAuditFixture();
});

function verify(db: string, ...args: string[]): { code: number; report: Report; text: string } {
  const json = sop(['verify', '--db', db, '--json', ...args]);
  expect(json.stderr).not.toMatch(STACK_TRACE);
  const text = sop(['verify', '--db', db, ...args]);
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as Report, text: text.stdout };
}

function tamper(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    dropGuards(db);
    fn(db);
  } finally {
    db.close();
  }
}

describe("Given an approver's name changed in the log to someone who never held the role, with the chain recomputed", () => {
  it('then sop verify, with no checkpoint, exits 1 naming the entry, the person, the role and why: authority.not-allowed', () => {
    const db = copyStore(f);
    let seq = 0;
    tamper(db, (d) => {
      const e = entries(d).find((x) => x.instance_id === f.finished && x.data.step === 'persetujuan-permohonan' && x.data.type === 'completed')!;
      seq = e.seq;
      rewriteEntry(d, seq, (p) => ((p.by as { user: string }).user = 'sari'));
    });
    const { code, report, text } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks).toEqual([expect.objectContaining({ code: 'authority.not-allowed', seq, instance: f.finished })]);
    expect(text).toContain(`entry ${seq}, instance ${f.finished}: authority.not-allowed`);
    expect(text).toContain('"sari" does not hold the role kepala-bidang-persandian');
    // The instance alone says so too.
    expect(verify(db, f.finished).report.breaks.map((b) => b.code)).toEqual(['authority.not-allowed']);
  });
});

describe('Given a forged entry of one instance whose successor in the log belongs to another', () => {
  it('then sop verify <that instance> exits 1 at the link out of it: chain.link', () => {
    const db = copyStore(f);
    const rows = (() => {
      const d = new Database(db, { readonly: true });
      try {
        return logRows(d);
      } finally {
        d.close();
      }
    })();
    const last = rows.filter((r) => r.instance_id === f.finished).at(-1)!;
    expect(rows.find((r) => r.seq === last.seq + 1)!.instance_id).not.toBe(f.finished);
    tamper(db, (d) => {
      // A refusal that never happened, slipped in after the instance's last entry and chained to it: it changes no state.
      d.prepare('UPDATE log SET seq = -seq WHERE seq > ?').run(last.seq);
      d.prepare('UPDATE log SET seq = -seq + 1 WHERE seq < 0').run();
      const forged = { seq: last.seq + 1, kind: 'event', instanceId: f.finished, version: null, at: last.at };
      const payload = JSON.stringify({ by: { user: 'rina', via: 'program' }, reason: 'auth.not-actor: forged', type: 'refused' });
      d.prepare('INSERT INTO log (seq, kind, instance_id, version, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        forged.seq,
        forged.kind,
        forged.instanceId,
        forged.version,
        forged.at,
        payload,
        last.hash,
        chainHash(last.hash, forged, payload),
      );
    });
    const { code, report } = verify(db, f.finished);
    expect(code).toBe(1);
    // The successor no longer links to the instance's entry before the forged one (and, moved one place on, no longer matches its hash).
    expect(report.breaks[0]).toMatchObject({ code: 'chain.link', seq: last.seq + 2 });
    expect(report.breaks.every((b) => b.seq === last.seq + 2)).toBe(true);
  });
});

describe('Given the instance metadata and the stored outputs tampered with', () => {
  it("when an instance row's SOP is changed, then it is instance.sop; when an output no event names is slipped in, blob.orphan", () => {
    const db = copyStore(f);
    const content = Buffer.from('lampiran palsu');
    tamper(db, (d) => {
      d.prepare("UPDATE instances SET sop_id = 'pengelolaan-akses-pengguna' WHERE id = ?").run(f.atDecision);
      d.prepare('INSERT INTO blobs (sha256, size, content) VALUES (?, ?, ?)').run(createHash('sha256').update(content).digest('hex'), content.length, content);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code).sort()).toEqual(['blob.orphan', 'instance.sop']);
  });

  it('when an entry is dated before the one before it, the chain recomputed, then it is chain.time', () => {
    const db = copyStore(f);
    const pristine = new Database(f.db, { readonly: true });
    const target = entries(pristine).find((e) => e.instance_id === f.fresh)!;
    pristine.close();
    tamper(db, (d) => {
      d.prepare("UPDATE log SET at = '2026-01-01T00:00:00.000Z' WHERE seq = ?").run(target.seq);
      rechain(d, target.seq);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.time', seq: target.seq });
  });
});

describe('Given a store built through the CLI, people bound to their OS logins', () => {
  let dir: string;
  let db: string;
  const as = (login: string, ...args: string[]) => sop(['--db', db, '--sops', SOPS, ...args], { login });

  beforeAll(() => {
    dir = tempDir('sop-trust-verify-');
    db = join(dir, 'sop.db');
    for (const args of [
      ['init', '--admin', 'admin'],
      ['publish', '--all', '--calendar'],
    ]) {
      const r = as('admin', ...args);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('when a request record is deleted and the same request id is sent again, then it is refused (request.repeated) and nothing is written', () => {
    expect(as('admin', 'user', 'add', 'budi', '--login', 'budi', '--request-id', 'tambah-budi').code).toBe(0);
    tamper(db, (d) => d.prepare("DELETE FROM requests WHERE id = 'tambah-budi'").run());
    expect(as('admin', 'user', 'remove', 'budi').code).toBe(0);
    const head = sop(['checkpoint', '--unsigned', '--db', db]).stdout.trim();
    const again = as('admin', 'user', 'add', 'budi', '--login', 'budi', '--request-id', 'tambah-budi');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[request.repeated]');
    expect(again.stderr).not.toMatch(STACK_TRACE);
    expect(sop(['checkpoint', '--unsigned', '--db', db]).stdout.trim()).toBe(head);
    expect(verify(db).code).toBe(0);
  });
});
