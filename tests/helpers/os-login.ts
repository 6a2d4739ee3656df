/**
 * Test scaffolding for the CLI run in-process (`run` of cli/program.ts): the
 * process stands in for an OS login, as os-login-preload.cjs does for a
 * child process. In direct file mode the person is the sop user bound to
 * the OS login (cli/identity.ts asks `os.userInfo()`), so a test that acts
 * as several people in one process switches the login around each run.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const os = createRequire(import.meta.url)('node:os') as typeof import('node:os');
const real = os.userInfo;

/** Runs `fn` as if the process ran as the OS login `login`; the real login is back afterwards, whatever happens. */
export async function asOsLogin<T>(login: string, fn: () => Promise<T>): Promise<T> {
  os.userInfo = ((options?: { encoding: BufferEncoding }) => ({ ...real(options), username: login })) as typeof os.userInfo;
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    os.userInfo = real;
    syncBuiltinESMExports();
  }
}
