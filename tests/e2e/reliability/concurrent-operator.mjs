/**
 * One operator process of tests/e2e/reliability/concurrency.test.ts. It runs
 * the built `sop` CLI's own entry point (`run` of dist/cli/program.js) in-process, one
 * command after another, each opening and closing the store as the `sop`
 * binary does, for a number of rounds. Each round:
 *
 *   1. starts an instance of pengecualian-smki, and completes its step 1;
 *   2. completes the current step of one of the shared instances of
 *      implementasi-security-patch, which the seven other operators are
 *      advancing at the same time (a stale read ends in store.conflict);
 *   3. every fourth round, retries an earlier command with its request id:
 *      it must answer exactly as it did the first time.
 *
 * In the first round, once it has read the shared instance's current step,
 * it waits at a start gate (tests/helpers/gate.cjs, on file descriptor 3)
 * until every operator has: all of them then complete the same step of the
 * same instance at once, read at the same version, and all but one must
 * get store.conflict, however fast or slow the machine.
 *
 * It runs as the OS login `user` (the test starts it with
 * tests/helpers/os-login-preload.cjs), bound to the sop user of that name:
 * in direct file mode that login is who acts.
 *
 * It prints, as JSON, every command and its outcome.
 *
 * argv: <db> <sops> <user> <rounds> <shared instance ids, comma-separated>
 */
import { join, resolve } from 'node:path';
import gate from '../../helpers/gate.cjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const { run } = await import(join(ROOT, 'dist', 'cli', 'program.js'));

const [db, sops, user, roundsText, sharedText] = process.argv.slice(2);
const rounds = Number(roundsText);
const shared = sharedText.split(',');

/** The outputs and choices that keep a security-patch instance going round its anomaly loop. */
const OUTPUTS = {
  'analisis-rencana': ['hasil-analisis-rekomendasi'],
  'persetujuan-izin': ['persetujuan-rekomendasi'],
  'penyusunan-laporan': ['laporan-hasil-implementasi'],
};
const CHOICES = { 'analisis-rencana': 'perlu-implementasi', 'implementasi-security-patch': 'terjadi-anomali' };

const commands = [];

async function sop(args, requestId) {
  let stdout = '';
  let stderr = '';
  const io = { out: (t) => (stdout += t), err: (t) => (stderr += t), width: 80 };
  // The person is the OS login this process runs as (the test stands it in: os-login-preload.cjs), bound to `user`.
  const argv = [...args, '--db', db, '--sops', sops, ...(requestId ? ['--request-id', requestId] : [])];
  const code = await run(argv, io);
  const record = { args, requestId: requestId ?? null, code, stdout, stderr };
  commands.push(record);
  return record;
}

for (let round = 0; round < rounds; round++) {
  const tag = `${user}-round-${round}`;
  const started = await sop(['start', 'pengecualian-smki', '--title', `Permohonan ${tag}`, '--json'], `${tag}-start`);
  if (started.code === 0) {
    const id = JSON.parse(started.stdout).id;
    await sop(['advance', id, '--step', 'pengajuan-permohonan', '--output', `surat-permohonan=Surat ${tag}`, '--json'], `${tag}-own`);
  }

  const target = shared[(round + user.length * 3) % shared.length];
  const status = await sop(['status', target, '--json']);
  // Every operator's first round targets the same shared instance: all of them read it before any advances it.
  if (round === 0) gate.passGate();
  if (status.code === 0) {
    const current = JSON.parse(status.stdout).current[0];
    if (current) {
      const args = ['advance', target, '--step', current.step, '--json'];
      if (CHOICES[current.step]) args.push('--choice', CHOICES[current.step]);
      for (const o of OUTPUTS[current.step] ?? []) args.push('--output', `${o}=${o} oleh ${tag}`);
      await sop(args, `${tag}-shared`);
    }
  }

  if (round % 4 === 3) {
    // A retry of this round's start, and of an earlier round's shared advance (whatever it answered).
    const again = commands.filter((c) => c.requestId?.startsWith(`${user}-round-`) && c.args[0] !== 'status' && !c.retry);
    for (const first of [again.find((c) => c.requestId === `${tag}-start`), again.find((c) => c.requestId === `${user}-round-${round - 2}-shared`)]) {
      if (!first) continue;
      const retry = await sop(first.args, first.requestId);
      retry.retry = true;
      retry.first = { code: first.code, stdout: first.stdout, stderr: first.stderr };
    }
  }
}

process.stdout.write(JSON.stringify(commands));
