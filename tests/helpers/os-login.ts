/**
 * Test scaffolding for the CLI run in-process (`run` of cli/program.ts): a
 * run stands in for an OS login, as os-login-preload.cjs does for a child
 * process. In direct file mode the person is the sop user bound to the OS
 * login (cli/identity.ts asks `os.userInfo()`), so a test that acts as
 * several people in one process runs each command as its person's login.
 * The login holds for the asynchronous context of the run only, so runs
 * side by side do not see each other's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const standIn = new AsyncLocalStorage<string>();
const os = createRequire(import.meta.url)('node:os') as typeof import('node:os');
const real = os.userInfo;
os.userInfo = ((options?: { encoding: BufferEncoding }) => {
  const info = real(options);
  const login = standIn.getStore();
  return login === undefined ? info : { ...info, username: login };
}) as typeof os.userInfo;
syncBuiltinESMExports();

/** Runs `fn` as if the process ran as the OS login `login`; outside it, the real login. */
export function asOsLogin<T>(login: string, fn: () => Promise<T>): Promise<T> {
  return standIn.run(login, fn);
}
