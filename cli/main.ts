#!/usr/bin/env node
// The `sop` binary: everything else lives in program.ts so tests can run the CLI in-process.
import { run } from './program.js';
import { leaveDatabaseToProcessExit } from './engine.js';

// The command runs bundled (dist/sop.js); a stack trace asked for with SOP_DEBUG should name the real files.
if (process.env.SOP_DEBUG) process.setSourceMapsEnabled(true);

// `sop list | head`: when the reader goes away, stop quietly as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

leaveDatabaseToProcessExit();
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
