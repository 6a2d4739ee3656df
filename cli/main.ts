#!/usr/bin/env node
// The `sop` binary: everything else lives in program.ts so tests can run the CLI in-process.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
