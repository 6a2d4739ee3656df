/**
 * The CLI remembers the steps it showed (cli/shown.ts, under
 * XDG_STATE_HOME) and keeps server credentials (cli/remote/credentials.ts,
 * under XDG_CONFIG_HOME). A test that runs it in-process (`run` of
 * cli/program.ts), or spawns it with this process's environment (the crash
 * harness), would use the home of whoever runs the tests: each test file
 * gets folders of its own instead. (tests/helpers/cli.ts gives the child
 * processes it starts folders of their own as well.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'sop-state-'));
process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'sop-config-'));
