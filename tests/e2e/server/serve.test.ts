/**
 * `sop serve` as a process: it says where it listens, ends cleanly on
 * SIGTERM or SIGINT, refuses a store file that others may open (the server
 * is the one writer and its service account owns the file), and with
 * --demo makes the README's quick start: a demo office whose people log in
 * with the printed passwords, choosing their own at the first login.
 */
import { statSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sop, spawnSop, tempDir, STACK_TRACE } from '../../helpers/cli.js';
import { openOffice } from '../../helpers/engine.js';
import { clientEnv, officeFile, serve } from './helpers.js';

describe('Given a store file readable by its owner only', () => {
  it('when sop serve starts, then it prints "listening on <url>", serves the API, and ends with exit 0 on SIGTERM, the store verified', async () => {
    const office = await officeFile({ budi: [] });
    const server = await serve(office.db);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${office.tokens.budi}` } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { name: string }).name).toBe('budi');
    const started = await fetch(`${server.url}/api/v1/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${office.tokens.budi}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sop: 'pengelolaan-akses-pengguna' }),
    });
    expect(started.status).toBe(201);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.err()).toBe('');
    const check = await openOffice(office.db, { create: false });
    expect((await check.engine.audit.verify()).ok).toBe(true);
    expect(await check.engine.instances.list()).toHaveLength(1);
    await check.close();
  });

  it('when it gets SIGINT (Ctrl-C), then it ends with exit 0 too', async () => {
    const office = await officeFile({});
    const server = await serve(office.db);
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });
});

describe('Given a store file other users may open', () => {
  it('when sop serve starts on it, then it refuses (exit 1, server.shared-store) and says why; with --shared it serves it', async () => {
    const office = await officeFile({});
    chmodSync(office.db, 0o644);
    const refused = sop(['serve', '--db', office.db, '--port', '0'], { env: { XDG_CONFIG_HOME: join(office.dir, 'cfg') } });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('[server.shared-store]');
    expect(refused.stderr).toContain('mode 644');
    expect(refused.stderr).toContain('the one writer');
    expect(refused.stderr).toContain('hint: chmod 600');
    expect(refused.stderr).not.toMatch(STACK_TRACE);
    const server = await serve(office.db, ['--shared']);
    expect((await server.stop()).code).toBe(0);
  });

  it('when the store file does not exist, then sop serve says so (store.not-found) and creates nothing', () => {
    const dir = tempDir();
    const r = sop(['serve', '--db', join(dir, 'nope.db'), '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[store.not-found]');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('Given an empty folder (the README quick start)', () => {
  it('when sop serve --demo runs, then it makes the demo office, prints the address and the logins; a demo person logs in with the CLI, chooses a password, and works', async () => {
    const dir = tempDir('sop-quickstart-');
    const server = await serve('sop.db', ['--demo', '--sops', 'sops'], { cwd: dir });
    expect(existsSync(join(dir, 'sops', 'pengelolaan-akses-pengguna.yaml'))).toBe(true);
    expect(statSync(join(dir, 'sop.db')).mode & 0o777).toBe(0o600);
    // The rest of the banner follows the listening line: wait for its last line by reading what the process prints.
    const banner = await printed(server, /the API: +\S+/);
    const password = /^demo-pengguna +(\S+)/m.exec(banner)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(banner).toContain(`sop login --server ${server.url} --user demo-pengguna`);
    for (const user of ['demo-admin', 'demo-kabid-aptika', 'demo-administrator', 'demo-kabid-persandian', 'demo-tim-teknis']) expect(banner).toMatch(new RegExp(`^${user} +\\S{12} `, 'm'));

    const config = join(dir, 'home-budi');
    const env = { ...clientEnv(server.url, undefined, config) };
    delete (env as Record<string, string>).SOP_SERVER;
    // The first login: the printed password, then one of their own (standard input, one line each).
    const login = sop(['login', '--server', server.url, '--user', 'demo-pengguna'], { env, input: `${password}\nPilihanSaya-1\n` });
    expect(login.stderr).toContain('choose your own');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('logged in to');
    expect(statSync(join(config, 'sop', 'credentials.json')).mode & 0o777).toBe(0o600);
    const started = sop(['start', 'pengelolaan-akses-pengguna', '--title', 'Akun demo', '--json'], { env });
    expect(started.code).toBe(0);
    const id = (JSON.parse(started.stdout) as { id: string }).id;
    expect(sop(['advance', id, '--step', 'usulan-pengguna-baru'], { env }).code).toBe(0);
    // The printed password no longer works; the chosen one does.
    expect(sop(['login', '--user', 'demo-pengguna', '--server', server.url], { env, input: `${password}\n` }).stderr).toContain('[auth.bad-credentials]');
    expect((await spawnSop(['logout'], { env })).stdout).toContain('logged out');
    expect(sop(['tasks'], { env: { ...env, SOP_DB: join(dir, 'sop.db') } }).stderr).toContain('[auth.unknown-login]');
    expect((await server.stop()).code).toBe(0);

    // Started again: the same office, new passwords; a store of a real office is refused.
    const again = await serve('sop.db', ['--demo', '--sops', 'sops'], { cwd: dir });
    expect(await printed(again, /the API: +\S+/)).not.toContain(`demo-pengguna          ${password}`);
    expect((await again.stop()).code).toBe(0);
    const office = await officeFile({});
    const foreign = sop(['serve', '--demo', '--db', office.db, '--port', '0']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('[demo.foreign-database]');
  });
});

/** What the server has printed once `pattern` shows in it (resolves on the output itself, not on time). */
function printed(server: { child: import('node:child_process').ChildProcess; out(): string }, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      if (pattern.test(server.out())) {
        server.child.stdout!.off('data', look);
        resolve(server.out());
      }
    };
    server.child.stdout!.on('data', look);
    server.child.once('exit', () => reject(new Error(`the server ended before printing ${pattern}:\n${server.out()}`)));
    look();
  });
}
