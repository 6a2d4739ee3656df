/**
 * "Nobody may act outside their role", where the built `sop` reads a
 * password from standard input: every step with a sensitive output, on
 * every path of the seed SOPs that has one, tried through the built binary
 * (a child process per attempt, the password piped in) by every person who
 * does not hold it, each as their own OS login. Refusals only: auth.not-actor, recorded as one refused
 * attempt, nothing else changed, and the password neither printed nor kept.
 * Then the right person completes the step the same way.
 *
 * The rest of each walk (the steps without a password) runs through the
 * engine, in this process: the sweep of every step, every cancel and every
 * user and role change is tests/reliability/authorization.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, OutputInput } from '../../../engine/index.js';
import { SOPS, sop, tempDir } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { SEED_WALKS, outputValue, secretValue } from '../../runtime/walk-helpers.js';
import { PEOPLE, createPeople, expectRecordedRefusal, expectRefused, holds, snapshot as snapshotOf } from '../../reliability/authorization-helpers.js';

let dir: string;
let db: string;

const stats = { attempts: 0, steps: 0 };

const snapshot = () => snapshotOf(db);

/** The engine acting as `user`, on the store, closed again before any `sop` process opens it. */
async function asUser<T>(user: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const office = await openOffice(db, { create: false });
  try {
    return await fn(office.as(user));
  } finally {
    await office.close();
  }
}

beforeAll(async () => {
  dir = tempDir('sop-authz-e2e-');
  db = join(dir, 'sop.db');
  await createPeople(db);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`authorization through the built CLI: ${stats.attempts} attempts with a password on standard input, on ${stats.steps} steps: all refused`);
});

const withPassword = SEED_WALKS.flatMap((walk) =>
  walk.paths.map((path, pathIndex) => ({ walk, path, pathIndex })).filter(({ path }) => path.moves.some((m) => (walk.outputs[m.step] ?? []).some((o) => o.how === 'stdin'))),
);

describe('Given every path of the seed SOPs that has a step whose password the CLI reads from standard input', () => {
  it('there is at least one', () => {
    expect(withPassword.length).toBeGreaterThan(0);
  });

  for (const { walk, path, pathIndex } of withPassword) {
    it(`${walk.sop}, path ${pathIndex + 1} (${path.name}): at each such step, everyone who does not hold it is refused by the built sop, the password unprinted and unkept, and the walk still ends at ${path.end}`, async () => {
      const { id } = await asUser(walk.starter, (e) => e.instances.start(walk.sop));
      const visits: Record<string, number> = {};
      let passwordSteps = 0;
      for (const move of path.moves) {
        visits[move.step] = (visits[move.step] ?? 0) + 1;
        const plans = walk.outputs[move.step] ?? [];
        const outputs: OutputInput[] = plans.filter((p) => p.how !== 'stdin').map((o) => ({ id: o.id, value: outputValue(walk.sop, pathIndex, move.step, o.id, visits[move.step]!) }));
        const rightful = walk.cast[move.by]!;
        if (!plans.some((p) => p.how === 'stdin')) {
          await asUser(rightful, (e) => e.instances.advance(id, { step: move.step, ...(move.choice ? { choice: move.choice.id } : {}), outputs }));
          continue;
        }
        passwordSteps++;
        const secret = secretValue(pathIndex);
        const args = ['advance', id, '--step', move.step, ...(move.choice ? ['--choice', move.choice.id] : []), ...outputs.flatMap((o) => ['--output', `${o.id}=${String(o.value)}`])];
        const attempt = (user: string) => sop([...args, '--db', db, '--sops', SOPS], { cwd: dir, input: `${secret}\n`, login: user });

        const outsiders = PEOPLE.filter((u) => !holds(walk, move.by, u));
        expect(outsiders.length).toBeGreaterThan(0);
        for (const user of outsiders) {
          const before = snapshot();
          const r = attempt(user);
          const what = `${user} completes step ${move.step} (actor ${move.by}) of ${walk.sop}`;
          expectRefused(r, 'auth.not-actor', what);
          const after = snapshot();
          expectRecordedRefusal(before, after, id, user, move.step, what);
          expect(r.stderr + JSON.stringify(after), what).not.toContain(secret);
          stats.attempts++;
        }
        stats.steps++;

        const done = attempt(rightful);
        expect(done.code, `${rightful} completes ${move.step}: ${done.stderr}`).toBe(0);
        expect(done.stdout + done.stderr + JSON.stringify(snapshot())).not.toContain(secret);
      }
      expect(passwordSteps).toBeGreaterThan(0);
      const status = await asUser(walk.starter, (e) => e.instances.status(id));
      expect({ status: status.status, outcome: status.outcome }).toEqual({ status: 'completed', outcome: path.outcome });
      // The password was taken from standard input (without it the step is output.missing): its value is kept nowhere.
      const history = await asUser(walk.starter, (e) => e.instances.history(id));
      expect(JSON.stringify(history)).not.toContain(secretValue(pathIndex));
    });
  }
});
