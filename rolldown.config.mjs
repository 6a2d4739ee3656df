/**
 * The `sop` command as one CommonJS file, dist/sop-bundle.cjs, which
 * dist/cli/bin.cjs runs through V8's code cache. An operator runs sop many
 * times a day: loading ~60 ES modules one by one (resolution, reads, linking
 * by the ES module loader) cost more than a third of a command over a bare
 * Node start; one CommonJS file with a code cache costs a few milliseconds.
 * tsc still builds dist/ as ES modules (the engine, the tests and embedding
 * programs use it); this bundles dist/cli/main.js, with each command's code
 * evaluated only when that command runs. better-sqlite3 (native) and yaml
 * (loaded on first parse, by parse-yaml.ts) stay outside. The verify worker
 * is bundled beside it, where chain-pass.ts looks for it.
 */
import { defineConfig } from 'rolldown';

const external = [/^node:/, 'better-sqlite3', 'yaml'];

export default defineConfig([
  {
    input: 'dist/cli/main.js',
    platform: 'node',
    external,
    output: { file: 'dist/sop-bundle.cjs', format: 'cjs', codeSplitting: false, sourcemap: true },
  },
  {
    input: 'dist/engine/audit/chain-worker.js',
    platform: 'node',
    external,
    output: { file: 'dist/chain-worker.js', format: 'esm', codeSplitting: false },
  },
]);
