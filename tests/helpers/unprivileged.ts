/**
 * Permission faults need someone the permissions apply to: root ignores
 * them. When the tests run as root (as CI does), the command under test runs
 * as the unprivileged user nobody, through setpriv (util-linux); that needs
 * nobody to be able to read the built CLI, which a checkout under /root
 * does not allow. `unprivileged.ok` says whether such a test can run here.
 */
import { spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

export const NOBODY = 65534;
export const ROOT_USER = process.getuid?.() === 0;

/** The command prefix that runs the rest as nobody (empty when not root). */
export const AS_NOBODY = ROOT_USER ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];

function check(): { ok: boolean; why: string } {
  if (!ROOT_USER) return { ok: true, why: 'not root: permissions apply to the current user' };
  const r = spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, CLI, '--version'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `setpriv is not available (${r.error.message})` };
  if (r.status !== 0) return { ok: false, why: `nobody cannot run the built CLI here: ${r.stderr.split('\n')[0]}` };
  return { ok: true, why: 'root: the command runs as nobody' };
}

export const unprivileged = check();
