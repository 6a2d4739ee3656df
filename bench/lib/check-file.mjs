/**
 * `node bench/lib/check-file.mjs <file>`: checks one SOP file as `sop
 * validate` does (checkSopFile) in a fresh process, and prints how long the
 * check took, in ms. A fresh process per file: each is timed as a person's
 * run would be (cold), and none inherits another's heap or stack.
 */
import { checkSopFile } from '../../dist/engine/definition/load.js';

const started = performance.now();
checkSopFile(process.argv[2], () => false);
process.stdout.write(`${performance.now() - started}\n`);
