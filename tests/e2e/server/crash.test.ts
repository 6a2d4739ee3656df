/**
 * The Done-when of issue 11: crash and concurrency through the server. Four
 * client processes start instances and complete steps through the API while
 * the server process is SIGKILLed at random moments (in or around its
 * writes) and started again, at least 200 times. Every change a client saw
 * acknowledged is in the store exactly once, none is doubled although every
 * interrupted request is sent again with its Idempotency-Key, nothing is in
 * the store that no client was answered for, and `verify` passes after
 * every kill. The harness is server-crash-harness.mjs (also runnable by
 * hand for longer runs).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain JavaScript module, shared with a longer run by hand
import { serverCrashRun } from './server-crash-harness.mjs';

const KILLS = 200;

interface Stats {
  kills: number;
  acknowledged: { start: number; advance: number };
  committedBeforeKill: number;
  notCommittedAtKill: number;
  retries: number;
  doubled: number;
  lost: number;
  unacknowledgedApplied: number;
  events: number;
  checks: number;
}

describe(`Given four clients advancing instances through the server, and the server SIGKILLed ${KILLS} times`, () => {
  it('then every acknowledged start and advance is in the store exactly once, none doubled by the retries, none lost, and verify passes after every restart', async () => {
    const stats = (await serverCrashRun({ kills: KILLS, clients: 4 })) as Stats;
    console.log(`server crash test: ${JSON.stringify(stats)}`);
    expect(stats.kills).toBe(KILLS);
    expect(stats.checks).toBe(KILLS + 1);
    expect(stats.doubled).toBe(0);
    expect(stats.lost).toBe(0);
    expect(stats.unacknowledgedApplied).toBe(0);
    expect(stats.events).toBe(stats.acknowledged.start + stats.acknowledged.advance);
    expect(stats.acknowledged.advance).toBeGreaterThan(KILLS);
    // The kills were spread: requests cut off before their commit, and after it with the answer lost (then answered from the record).
    expect(stats.notCommittedAtKill).toBeGreaterThan(0);
    expect(stats.committedBeforeKill).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThan(0);
  });
});
