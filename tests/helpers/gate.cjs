/**
 * The child's side of a start gate (see gate.ts): `passGate()` says "ready"
 * on file descriptor 3, a pipe to the test, and blocks until the test writes
 * to it (or closes it). Preloaded with `node --require .../gate-preload.cjs`,
 * it holds a process before any of its own code runs; called by a child
 * script, at the point where the test wants all children to be at once.
 */
'use strict';
const fs = require('node:fs');

function passGate() {
  fs.writeSync(3, 'ready\n');
  const buf = Buffer.alloc(16);
  for (;;) {
    try {
      fs.readSync(3, buf, 0, buf.length, null);
      break;
    } catch (e) {
      // A pipe left non-blocking: nothing yet; wait for the test's signal, not for any time.
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  fs.closeSync(3);
}

module.exports = { passGate };
