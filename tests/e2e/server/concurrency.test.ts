/**
 * Exactly one wins, through the server: operators on several client
 * processes (the CLI in client mode, each with their own token) complete
 * the same step of the same instance at the same moment. They are held at
 * a start gate until all of them are ready, then let go together (the race
 * is there by construction, not by timing). One completion; every other
 * one is a store.conflict (exit 1, its hint), and the store holds one
 * completion per step.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { sop, spawnSopTogether, STACK_TRACE } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { clientEnv, officeFile, serve, type OfficeFile, type Served } from './helpers.js';

const OPERATORS = ['op1', 'op2', 'op3', 'op4', 'op5', 'op6'];
const SOP = 'pengelolaan-akses-pengguna';
/** The steps of the Kepala Bidang Aptika, which all six operators hold, in order. */
const RACES: [string, string[]][] = [
  ['penerimaan-usulan', []],
  ['verifikasi-persetujuan', ['--choice', 'disetujui']],
  ['disposisi-admin', []],
];
const INSTANCES = 3;

let office: OfficeFile;
let server: Served;
beforeAll(async () => {
  office = await officeFile({ budi: [], ...Object.fromEntries(OPERATORS.map((o) => [o, ['kepala-bidang-aptika']])) });
  server = await serve(office.db);
});
afterAll(async () => {
  await server.stop();
});

const env = (user: string) => clientEnv(server.url, office.tokens[user], join(office.dir, `config-${user}`));

describe(`Given ${OPERATORS.length} operators on their own client processes, racing for the same step ${RACES.length * INSTANCES} times`, () => {
  it('then each time exactly one completes it and the others get store.conflict; the store holds one completion per step', async () => {
    let conflicts = 0;
    for (let n = 0; n < INSTANCES; n++) {
      const started = sop(['start', SOP, '--json'], { env: env('budi') });
      expect(started.code, started.stderr).toBe(0);
      const id = (JSON.parse(started.stdout) as { id: string }).id;
      expect(sop(['advance', id, '--step', 'usulan-pengguna-baru'], { env: env('budi') }).code).toBe(0);
      for (const [step, extra] of RACES) {
        const results = await spawnSopTogether(OPERATORS.map((op) => ({ args: ['advance', id, '--step', step, ...extra], options: { env: env(op) } })));
        const won = results.filter((r) => r.code === 0);
        const lost = results.filter((r) => r.code !== 0);
        expect(won, results.map((r) => r.stderr).join('\n')).toHaveLength(1);
        expect(won[0]!.stdout).toContain(`completed ${step}`);
        for (const r of lost) {
          expect(r.code).toBe(1);
          expect(r.stderr).toContain('[store.conflict]');
          expect(r.stderr).toContain(`hint: run \`sop status ${id}\``);
          expect(r.stderr).not.toMatch(STACK_TRACE);
        }
        conflicts += lost.length;
      }
    }
    expect(conflicts).toBe(RACES.length * INSTANCES * (OPERATORS.length - 1));
    await server.stop();
    const conn = new Database(office.db, { readonly: true });
    try {
      const rows = conn
        .prepare(
          `SELECT instance_id AS instance, json_extract(payload, '$.step') AS step, count(*) AS n FROM log
           WHERE kind = 'event' AND json_extract(payload, '$.type') = 'completed' GROUP BY instance, step`,
        )
        .all() as { instance: string; step: string; n: number }[];
      expect(rows).toHaveLength(INSTANCES * (RACES.length + 1));
      expect(rows.every((r) => r.n === 1)).toBe(true);
      // A conflict is not a refusal: nothing of the losers is in the history.
      expect(conn.prepare(`SELECT count(*) AS n FROM log WHERE json_extract(payload, '$.type') = 'refused'`).get()).toEqual({ n: 0 });
    } finally {
      conn.close();
    }
    const check = await openOffice(office.db, { create: false });
    expect((await check.engine.audit.verify()).ok).toBe(true);
    await check.close();
    server = await serve(office.db);
  });
});
