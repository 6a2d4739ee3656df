/**
 * "Tests tamper with a real database file in each way listed, dropping the
 * triggers first where needed. In each case verify exits 1 and names the
 * break."
 *
 * Each case copies one store built by operators (tests/audit/fixture.ts),
 * tampers with the copy through plain SQLite as an attacker would, then runs
 * the built CLI: `sop verify --json` must exit 1 and name the first break
 * (its code, the entry, the instance), and the text form must say BROKEN.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { chainHash } from '../../../engine/store/chain.js';
import { sop, STACK_TRACE, SOPS } from '../../helpers/cli.js';
import { buildAuditFixture, copyStore, logRows, tamper } from '../../audit/fixture.js';
import type { AuditFixture, LogRow } from '../../audit/fixture.js';

interface Report {
  ok: boolean;
  entries: number;
  instances: number;
  head: { seq: number; hash: string };
  checkpoint: { ok: boolean } | null;
  breaks: { code: string; seq?: number; instance?: string; message: string }[];
}

let f: AuditFixture;
let rows: LogRow[];

beforeAll(async () => {
  f = await buildAuditFixture();
  const db = new Database(f.db, { readonly: true });
  rows = logRows(db);
  db.close();
});

function verify(db: string, ...args: string[]): { code: number; report: Report; text: string } {
  const json = sop(['verify', '--db', db, '--sops', SOPS, '--json', ...args]);
  expect(json.stderr).not.toMatch(STACK_TRACE);
  const text = sop(['verify', '--db', db, '--sops', SOPS, ...args]);
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as Report, text: text.stdout };
}

/** The n-th (1-based) state-changing event of an instance. */
const eventOf = (instance: string, version: number) => rows.find((r) => r.instance_id === instance && r.version === version)!;

describe('Given a store written by operators, untouched', () => {
  it('then verify exits 0 and reports the number of entries verified', () => {
    const { code, report, text } = verify(copyStore(f));
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, entries: rows.length, instances: 3, breaks: [] });
    expect(text).toContain(`ok: store verified: ${rows.length} chain entries, 3 instance(s) replayed`);
  });

  it('then verify of one instance exits 0 too', () => {
    const { code, report } = verify(copyStore(f), f.finished);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, instance: f.finished, instances: 1 });
  });
});

describe('Given a store whose log was tampered with', () => {
  it('when an event payload is edited (the note of a decision), then verify exits 1 naming that entry: chain.content', () => {
    const target = eventOf(f.finished, 4);
    expect(target.payload).toContain('Risiko terlalu tinggi');
    const db = copyStore(f);
    tamper(db, (d) => d.prepare('UPDATE log SET payload = replace(payload, ?, ?) WHERE seq = ?').run('Risiko terlalu tinggi', 'Risiko rendah', target.seq));
    const { code, report, text } = verify(db);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.content', seq: target.seq });
    expect(report.breaks[0]!.message).toContain(`instance ${f.finished}`);
    expect(text).toContain('BROKEN');
    expect(text).toContain(`entry ${target.seq}: chain.content`);
  });

  it('when an event is deleted, then verify exits 1 naming the gap where it was: chain.gap', () => {
    const target = eventOf(f.atDecision, 2);
    const db = copyStore(f);
    tamper(db, (d) => d.prepare('DELETE FROM log WHERE seq = ?').run(target.seq));
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.gap', seq: target.seq + 1 });
    expect(report.breaks[0]!.message).toContain(`entries ${target.seq} are missing`);
    // And the replay of that instance is broken too: a version is missing.
    expect(report.breaks.some((b) => b.code === 'replay.version' && b.instance === f.atDecision)).toBe(true);
  });

  it('when an event is inserted between two others, with a correctly computed hash of its own, then verify exits 1 at the entry after it: chain.link', () => {
    const before = eventOf(f.atDecision, 2);
    const db = copyStore(f);
    tamper(db, (d) => {
      // Make room: move every later entry one seq up, then write a forged refusal (it changes no state,
      // so no replay can notice it): "rina tried to approve and was refused".
      d.prepare('UPDATE log SET seq = -seq WHERE seq > ?').run(before.seq);
      d.prepare('UPDATE log SET seq = -seq + 1 WHERE seq < 0').run();
      const forged = {
        seq: before.seq + 1,
        kind: 'event',
        instanceId: f.atDecision,
        version: null,
        at: before.at,
        payload: JSON.stringify({ by: { osUser: 'x', user: 'rina' }, reason: 'auth.not-actor: forged', step: 'persetujuan-permohonan', type: 'refused' }),
      };
      d.prepare('INSERT INTO log (seq, kind, instance_id, version, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        forged.seq,
        forged.kind,
        forged.instanceId,
        forged.version,
        forged.at,
        forged.payload,
        before.hash,
        chainHash(before.hash, forged, forged.payload),
      );
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.link', seq: before.seq + 2 });
    expect(report.breaks[0]!.message).toContain('inserted, removed or moved');
  });

  it('when two entries are swapped (reordered), then verify exits 1 at the first of them', () => {
    const a = eventOf(f.finished, 2);
    const b = eventOf(f.finished, 3);
    const db = copyStore(f);
    tamper(db, (d) => {
      d.prepare('UPDATE log SET seq = -1 WHERE seq = ?').run(a.seq);
      d.prepare('UPDATE log SET seq = ? WHERE seq = ?').run(a.seq, b.seq);
      d.prepare('UPDATE log SET seq = ? WHERE seq = -1').run(b.seq);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ seq: a.seq });
    expect(['chain.link', 'chain.content']).toContain(report.breaks[0]!.code);
  });

  it('when a whole instance is deleted (its entries and its row), then verify exits 1 at the gap it left: chain.gap', () => {
    const mine = rows.filter((r) => r.instance_id === f.finished).map((r) => r.seq);
    const [first, last] = [Math.min(...mine), Math.max(...mine)];
    expect(mine).toHaveLength(last - first + 1);
    const db = copyStore(f);
    tamper(db, (d) => {
      d.prepare('DELETE FROM log WHERE instance_id = ?').run(f.finished);
      d.prepare('DELETE FROM instances WHERE id = ?').run(f.finished);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.gap', seq: last + 1 });
    // Its stored outputs, left behind, are named by no event any more.
    expect(report.breaks.slice(1).map((b) => b.code)).toEqual(['blob.orphan', 'blob.orphan']);
    expect(report.breaks[0]!.message).toContain(`entries ${first}..${last} are missing`);
  });

  it('when the tail of the log is cut off, then verify against the checkpoint taken before exits 1: chain.truncated', () => {
    const db = copyStore(f);
    const checkpoint = sop(['checkpoint', '--db', db]).stdout.trim();
    expect(checkpoint).toMatch(/^\d+:[0-9a-f]{64}$/);
    // The last entries: the fresh instance's start. Cut it off with its row, so no replay notices.
    tamper(db, (d) => {
      d.prepare('DELETE FROM log WHERE instance_id = ?').run(f.fresh);
      d.prepare('DELETE FROM instances WHERE id = ?').run(f.fresh);
    });
    // Without the checkpoint the shorter log is consistent in itself: that is what the checkpoint is for.
    expect(verify(db).code).toBe(0);
    const { code, report, text } = verify(db, '--checkpoint', checkpoint);
    expect(code).toBe(1);
    expect(report.checkpoint).toMatchObject({ ok: false });
    expect(report.breaks[0]).toMatchObject({ code: 'chain.truncated', seq: rows.length });
    expect(text).toContain('were cut off');
  });

  it('when the log is rewritten from some entry on with fresh hashes, then verify against an earlier checkpoint exits 1: chain.checkpoint', () => {
    const db = copyStore(f);
    const checkpoint = sop(['checkpoint', '--db', db]).stdout.trim();
    const target = eventOf(f.finished, 4);
    tamper(db, (d) => {
      // A careful forger: edits the note, then recomputes every hash from there on.
      const all = logRows(d);
      let prev = all.find((r) => r.seq === target.seq - 1)!.hash;
      for (const r of all.filter((x) => x.seq >= target.seq)) {
        const payload = r.seq === target.seq ? r.payload.replace('Risiko terlalu tinggi', 'Risiko rendah') : r.payload;
        const hash = chainHash(prev, { seq: r.seq, kind: r.kind, instanceId: r.instance_id, version: r.version, at: r.at }, payload);
        d.prepare('UPDATE log SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(payload, prev, hash, r.seq);
        prev = hash;
      }
    });
    expect(verify(db).code).toBe(0);
    const { code, report } = verify(db, '--checkpoint', checkpoint);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'chain.checkpoint', seq: rows.at(-1)!.seq });
  });
});

describe('Given a store whose definitions, cached state, outputs or users were tampered with', () => {
  it('when the definition that instances pinned is changed (a waktu), then verify exits 1: definition.changed', () => {
    const db = copyStore(f);
    tamper(db, (d) => {
      const n = d.prepare(`UPDATE definitions SET body = replace(body, '"timeText":"10 Menit"', '"timeText":"99 Menit"') WHERE sop_id = 'pengecualian-smki'`).run().changes;
      expect(n).toBe(1);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    const stored = new Database(f.db, { readonly: true });
    const seq = stored.prepare(`SELECT log_seq FROM definitions WHERE sop_id = 'pengecualian-smki'`).pluck().get();
    stored.close();
    expect(report.breaks[0]).toMatchObject({ code: 'definition.changed', seq });
    expect(report.breaks[0]!.message).toContain('pengecualian-smki');
  });

  it('when an instance is repointed to another definition, then verify exits 1: instance.definition', () => {
    const db = copyStore(f);
    tamper(db, (d) => {
      const body = (d.prepare(`SELECT body FROM definitions WHERE sop_id = 'pengecualian-smki'`).get() as { body: string }).body;
      const other = JSON.parse(body);
      other.revision = 2;
      const text = JSON.stringify(other);
      const hash = createHash('sha256').update(text).digest('hex');
      d.prepare('INSERT INTO definitions (hash, sop_id, revision, body, log_seq) VALUES (?, ?, 2, ?, 9999)').run(hash, 'pengecualian-smki', text);
      d.prepare('UPDATE instances SET definition_hash = ? WHERE id = ?').run(hash, f.atDecision);
    });
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toContain('instance.definition');
    expect(report.breaks.find((b) => b.code === 'instance.definition')).toMatchObject({ instance: f.atDecision });
  });

  it('when the stored state of an instance is changed, then verify exits 1 saying what differs from its replay: replay.state', () => {
    const db = copyStore(f);
    tamper(db, (d) => {
      d.prepare(`UPDATE instances SET status = 'completed', outcome = 'selesai', state = replace(state, '"status":"active"', '"status":"completed"') WHERE id = ?`).run(f.atDecision);
    });
    const { code, report, text } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks[0]).toMatchObject({ code: 'replay.state', instance: f.atDecision });
    expect(report.breaks[0]!.message).toContain('status is "completed", the replay gives "active"');
    expect(text).toContain(`instance ${f.atDecision}: replay.state`);
  });

  it('when a stored output is changed, then verify exits 1: blob.changed', () => {
    const db = copyStore(f);
    tamper(db, (d) => d.prepare("UPDATE blobs SET content = CAST('Surat palsu' AS BLOB) WHERE content = CAST('Surat permohonan Pengecualian server lama' AS BLOB)").run());
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks.map((b) => b.code)).toEqual(['blob.changed']);
  });

  it("when a role is granted behind the log's back, then verify exits 1: users.state", () => {
    const db = copyStore(f);
    tamper(db, (d) => d.prepare("INSERT INTO user_roles (user, role) VALUES ('sari', 'kepala-bidang-persandian')").run());
    const { code, report } = verify(db);
    expect(code).toBe(1);
    expect(report.breaks).toEqual([expect.objectContaining({ code: 'users.state' })]);
    expect(report.breaks[0]!.message).toContain('sari');
  });

  it('when an event of one instance is edited, then verifying only that instance names it too, and another instance still verifies', () => {
    const target = eventOf(f.finished, 4);
    const db = copyStore(f);
    tamper(db, (d) => d.prepare('UPDATE log SET payload = replace(payload, ?, ?) WHERE seq = ?').run('tidak-setuju', 'setuju', target.seq));
    const mine = verify(db, f.finished);
    expect(mine.code).toBe(1);
    expect(mine.report.breaks[0]).toMatchObject({ code: 'chain.content', seq: target.seq });
    expect(verify(db, f.fresh).code).toBe(0);
  });
});
