#!/usr/bin/env node
// The `sop` binary: everything else lives in program.ts so tests can run the CLI in-process.
import { run } from './program.js';

// `sop list | head`: when the reader goes away, stop quietly as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2));
