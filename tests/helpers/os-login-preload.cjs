/**
 * Test scaffolding: a `sop` process loaded with this (`node --require`)
 * believes it runs as the OS login in SOP_TEST_OS_LOGIN. In direct file
 * mode the person is the OS login bound to them; a test that needs several
 * people through the built CLI, on one machine account, stands each of them
 * in this way. (On a real machine each person is their own OS login; the
 * store file belongs to the service account, so nobody else can open it, and
 * a preload gains nothing: tests/e2e/trust/*.)
 */
const os = require('node:os');
const login = process.env.SOP_TEST_OS_LOGIN;
if (login) {
  const real = os.userInfo;
  os.userInfo = (options) => ({ ...real(options), username: login });
}
