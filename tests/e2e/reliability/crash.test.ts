/**
 * "Kill the CLI with SIGKILL at random points during writes. After every
 * kill: the database opens, PRAGMA integrity_check is ok, sop verify passes,
 * every command that reported success is present, and nothing is
 * half-applied."
 *
 * The harness (crash-harness.mjs) runs operators' commands as real `sop`
 * processes (start, advance with outputs of up to 256 KiB and passwords on
 * standard input, role changes, cancels) and kills each one at a random time
 * or at a random change of the database's files (opening, writing pages,
 * committing, checkpointing, closing). After each kill it checks the store,
 * then runs the killed command again with the same --request-id, as a
 * script would: the retry must succeed and be applied once. The long run is
 * tests/long/crash-soak.mjs (see README, Reliability).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain JavaScript module, shared with the soak script
import { crashRun } from './crash-harness.mjs';

const SUITE_KILLS = 220;

describe(`Given operators' commands killed with SIGKILL at random points, ${SUITE_KILLS} times`, () => {
  it('then after every kill the store opens, passes integrity_check and verify, holds every reported success once, and nothing is half-applied; every retry with the same request id is applied once', async () => {
    const stats = await crashRun({ kills: SUITE_KILLS, lanes: 2 });
    // The figures of the run, for the record (vitest prints them with --reporter=verbose).
    console.log(`crash test: ${JSON.stringify(stats)}`);
    expect(stats.kills).toBeGreaterThanOrEqual(SUITE_KILLS);
    expect(stats.retries).toBe(stats.kills);
    // The kills were spread: some landed before the commit, some after it (the answer lost, the write kept).
    expect(stats.notCommitted).toBeGreaterThan(0);
    expect(stats.committedBeforeKill).toBeGreaterThan(0);
    expect(stats.byKind['on-write']).toBeGreaterThan(0);
    expect(stats.byKind.timed).toBeGreaterThan(0);
  });
});
