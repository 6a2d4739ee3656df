/**
 * What else `verify` accounts for (issue 11), each shown by the attack it
 * answers, done on a copy of the operators' store (tests/audit/fixture.ts):
 * - request ids unique across the log (`request.repeated`): the requests row
 *   deleted, the same request id applied twice; refused at the time when the
 *   head of the log still shows it;
 * - instance metadata (`instance.sop`) and every stored blob (`blob.orphan`);
 * - the calendars and publications tables as caches of the log
 *   (`calendar.changed`, `publication.state`);
 * - time never going back (`chain.time`);
 * - a single-instance verify that checks the links into and out of its
 *   entries (a forged entry whose successor belongs to another instance).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { hasCode, type VerifyReport } from '../../engine/index.js';
import { chainHash } from '../../engine/store/chain.js';
import { RECENT_REQUESTS } from '../../engine/store/log.js';
import { buildAuditFixture, copyStore, logRows, type AuditFixture } from './fixture.js';
import { dropGuards, entries, laterClock, openCopy, rechain } from './trust-helpers.js';

let f: AuditFixture;

beforeAll(async () => {
  f = await buildAuditFixture();
});

async function verify(file: string, options: { instance?: string } = {}): Promise<VerifyReport> {
  const office = await openCopy(file);
  try {
    return await office.engine.audit.verify(options);
  } finally {
    await office.close();
  }
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

const codes = (r: VerifyReport) => r.breaks.map((b) => b.code);

describe('Given a request whose record was deleted from the requests table', () => {
  it('when the same request id is sent again while its entries are at the head of the log, then it is refused (request.repeated) and nothing is written', async () => {
    const file = copyStore(f);
    const office = await openCopy(file);
    try {
      await office.as('admin').people.add('budi', { requestId: 'add-budi-1' });
      await office.close();
      tamper(file, (db) => db.prepare("DELETE FROM requests WHERE id = 'add-budi-1'").run());
      const again = await openCopy(file);
      try {
        const head = (await again.engine.audit.checkpoint()).seq;
        await again
          .as('admin')
          .people.remove('budi')
          .then(() => again.as('admin').people.add('budi', { requestId: 'add-budi-1' }))
          .then(
            () => expect.unreachable('the second application was refused'),
            (e: unknown) => {
              expect(hasCode(e, 'request.repeated')).toBe(true);
              expect((e as Error).message).toContain(`was applied at log entry ${head}`);
            },
          );
        // Only the removal was written.
        expect((await again.engine.audit.checkpoint()).seq).toBe(head + 1);
      } finally {
        await again.close();
      }
    } finally {
      await office.close();
    }
  });

  it('when it is applied again once its entries are far from the head, then verify finds it in two separate runs: request.repeated', async () => {
    const file = copyStore(f);
    const { clock, tick } = laterClock();
    let office = await openCopy(file, clock);
    let first = 0;
    try {
      await office.as('admin').people.add('budi', { requestId: 'add-budi-2' });
      first = (await office.engine.audit.checkpoint()).seq;
      tick();
      await office.as('admin').people.remove('budi');
      // Enough changes that the head of the log no longer shows the request.
      for (let i = 0; i < RECENT_REQUESTS; i++) await office.as('admin').people.add(`u${i}`);
    } finally {
      await office.close();
    }
    tamper(file, (db) => db.prepare("DELETE FROM requests WHERE id = 'add-budi-2'").run());
    office = await openCopy(file, clock);
    let second = 0;
    try {
      await office.as('admin').people.add('budi', { requestId: 'add-budi-2' });
      second = (await office.engine.audit.checkpoint()).seq;
    } finally {
      await office.close();
    }
    const r = await verify(file);
    expect(codes(r)).toEqual(['request.repeated']);
    expect(r.breaks[0]).toMatchObject({ seq: second });
    expect(r.breaks[0]!.message).toContain(`request add-budi-2, whose entries began at entry ${first}`);
  });

  it('and the same check holds when the log is long enough to be checked in two halves', async () => {
    const { joinRuns, RequestRunCheck } = await import('../../engine/audit/request-runs.js');
    const payloads = new Map<number, string>();
    const log = ['a', 'a', 'b', 'c', 'c', 'a', 'd', 'd', 'e', 'b'];
    for (const [i, id] of log.entries()) payloads.set(i + 1, JSON.stringify({ request: id }));
    const idAt = (seq: number) => JSON.parse(payloads.get(seq)!).request as string;
    const whole: { seq?: number }[] = [];
    const one = new RequestRunCheck(1, idAt, whole as never);
    for (const [seq, p] of payloads) one.add(seq, p);
    const halves = (mid: number) => {
      const breaks: { seq?: number }[] = [];
      const a = new RequestRunCheck(1, idAt, breaks as never);
      const b = new RequestRunCheck(mid + 1, idAt, breaks as never);
      for (const [seq, p] of payloads) (seq <= mid ? a : b).add(seq, p);
      return [...breaks, ...joinRuns(a.runs, b.runs, idAt)].map((x) => x.seq).sort((x, y) => x! - y!);
    };
    expect(whole.map((b) => b.seq)).toEqual([6, 10]);
    for (const mid of [1, 2, 4, 5, 7, 9]) expect(halves(mid)).toEqual([6, 10]);
  });
});

describe("Given an instance row whose SOP was changed behind the log's back", () => {
  it('then verify reports instance.sop: the row names another SOP than its pinned definition', async () => {
    const file = copyStore(f);
    tamper(file, (db) => db.prepare("UPDATE instances SET sop_id = 'implementasi-security-patch' WHERE id = ?").run(f.fresh));
    const r = await verify(file);
    expect(codes(r)).toEqual(['instance.sop']);
    expect(r.breaks[0]).toMatchObject({ instance: f.fresh });
    expect(r.breaks[0]!.message).toContain('recorded as an instance of SOP implementasi-security-patch, but the definition it is pinned to is of SOP pengecualian-smki');
    expect(codes(await verify(file, { instance: f.fresh }))).toEqual(['instance.sop']);
  });
});

describe('Given a stored output slipped into the store that no event names', () => {
  it('then verify reports blob.orphan, though its content matches its hash', async () => {
    const file = copyStore(f);
    const content = Buffer.from('Surat palsu');
    const sha = createHash('sha256').update(content).digest('hex');
    tamper(file, (db) => db.prepare('INSERT INTO blobs (sha256, size, content) VALUES (?, ?, ?)').run(sha, content.length, content));
    const r = await verify(file);
    expect(codes(r)).toEqual(['blob.orphan']);
    expect(r.breaks[0]!.message).toContain(sha.slice(0, 12));
  });
});

describe('Given the calendars and publications tables, caches of the log', () => {
  it('when the stored calendar is edited (a holiday added), then it is calendar.changed', async () => {
    const file = copyStore(f);
    tamper(file, (db) => {
      const n = db.prepare(`UPDATE calendars SET body = replace(body, '"holidays":[', '"holidays":["2026-11-17",')`).run().changes;
      expect(n).toBe(1);
    });
    const r = await verify(file);
    expect(codes(r)).toEqual(['calendar.changed']);
    expect(r.breaks[0]!.message).toContain('no longer hashes to its address');
  });

  it('when a calendar is put in the table with its right hash but no entry, then it is calendar.changed too', async () => {
    const file = copyStore(f);
    tamper(file, (db) => {
      const body = '{"holidays":[],"timeZone":"Asia/Makassar"}';
      db.prepare('INSERT INTO calendars (hash, body, log_seq) VALUES (?, ?, 9999)').run(createHash('sha256').update(body).digest('hex'), body);
    });
    const r = await verify(file);
    expect(codes(r)).toEqual(['calendar.changed']);
    expect(r.breaks[0]!.message).toContain('no entry of the log stored it');
  });

  it('when a publication row is changed (its tanggal efektif), then it is publication.state at its entry', async () => {
    const file = copyStore(f);
    let seq = 0;
    tamper(file, (db) => {
      seq = (db.prepare("SELECT log_seq FROM publications WHERE kind = 'sop' AND sop_id = 'pengecualian-smki'").get() as { log_seq: number }).log_seq;
      db.prepare("UPDATE publications SET effective_on = '2020-01-01' WHERE log_seq = ?").run(seq);
    });
    const r = await verify(file);
    expect(codes(r)).toEqual(['publication.state']);
    expect(r.breaks[0]).toMatchObject({ seq });
    expect(r.breaks[0]!.message).toContain('effective_on');
  });

  it('when a publication row is added that no entry made, then it is publication.state', async () => {
    const file = copyStore(f);
    tamper(file, (db) => {
      const p = db.prepare("SELECT * FROM publications WHERE kind = 'sop' LIMIT 1").get() as Record<string, unknown>;
      db.prepare("INSERT INTO publications (log_seq, kind, sop_id, hash, revision, effective_on) VALUES (9999, 'sop', ?, ?, ?, '2026-01-01')").run(p.sop_id, p.hash, p.revision);
    });
    expect(codes(await verify(file))).toEqual(['publication.state']);
  });
});

describe('Given an entry dated before the entry before it, the chain recomputed', () => {
  it('then verify reports chain.time at that entry: time went back in the record', async () => {
    const file = copyStore(f);
    let seq = 0;
    tamper(file, (db) => {
      const e = entries(db).find((x) => x.instance_id === f.finished && x.data.step === 'persetujuan-permohonan')!;
      seq = e.seq;
      db.prepare("UPDATE log SET at = '2026-11-01T00:00:00.000Z' WHERE seq = ?").run(seq);
      rechain(db, seq);
    });
    const r = await verify(file);
    expect(r.breaks[0]).toMatchObject({ code: 'chain.time', seq });
    expect(r.breaks[0]!.message).toContain('time went back');
    // The replay of the instance sees its updated_at move too; time is the first thing named.
    expect(codes(r)).toContain('chain.time');
  });
});

describe('Given an entry forged into one instance, whose successor in the log belongs to another instance', () => {
  it('then verifying that instance alone finds the broken link out of it: chain.link at the successor', async () => {
    const file = copyStore(f);
    const rows = (() => {
      const db = new Database(file, { readonly: true });
      try {
        return logRows(db);
      } finally {
        db.close();
      }
    })();
    // The last entry of the finished instance; the next one belongs to another instance.
    const last = rows.filter((r) => r.instance_id === f.finished).at(-1)!;
    const next = rows.find((r) => r.seq === last.seq + 1)!;
    expect(next.instance_id).not.toBe(f.finished);
    tamper(file, (db) => {
      db.prepare('UPDATE log SET seq = -seq WHERE seq > ?').run(last.seq);
      db.prepare('UPDATE log SET seq = -seq + 1 WHERE seq < 0').run();
      const forged = {
        seq: last.seq + 1,
        kind: 'event',
        instanceId: f.finished,
        version: null,
        at: last.at,
        payload: JSON.stringify({ by: { user: 'rina', via: 'program' }, reason: 'auth.not-actor: forged', type: 'refused' }),
      };
      db.prepare('INSERT INTO log (seq, kind, instance_id, version, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        forged.seq,
        forged.kind,
        forged.instanceId,
        forged.version,
        forged.at,
        forged.payload,
        last.hash,
        chainHash(last.hash, forged, forged.payload),
      );
    });
    const r = await verify(file, { instance: f.finished });
    expect(r.ok).toBe(false);
    expect(r.breaks[0]).toMatchObject({ code: 'chain.link', seq: last.seq + 2 });
    expect(r.breaks[0]!.message).toContain('inserted, removed or moved');
  });
});
