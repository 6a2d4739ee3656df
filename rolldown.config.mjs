/**
 * The `sop` command as one CommonJS file, dist/sop-bundle.cjs, which
 * dist/cli/bin.cjs runs through V8's code cache. An operator runs sop many
 * times a day: loading ~60 ES modules one by one (resolution, reads, linking
 * by the ES module loader) cost more than a third of a command over a bare
 * Node start; one CommonJS file with a code cache costs a few milliseconds.
 * tsc still builds dist/ as ES modules (the engine, the tests and embedding
 * programs use it); this bundles dist/cli/main.js, with each command's code
 * evaluated only when that command runs. better-sqlite3 (native), yaml
 * (loaded on first parse, by parse-yaml.ts) and Fastify (only `sop serve`
 * loads it) stay outside. The verify worker
 * is bundled beside it, where chain-pass.ts looks for it.
 */
import { defineConfig } from 'rolldown';

// node:child_process is left out so that the plugin below can give commander its stand-in.
// The web framework of `sop serve` (Fastify and its plugins) stays outside too: loaded from node_modules by that command alone.
const external = [/^node:(?!child_process$)/, 'better-sqlite3', 'yaml', 'fastify', /^@fastify\//];

/**
 * commander requires node:child_process when it loads (2.3 ms, about 3% of
 * a command), for executable subcommands, which sop never uses. Inside the
 * bundle it gets a stand-in that loads the real module on first use. (A
 * plain require would be hoisted to the top of the bundle like any other;
 * createRequire is left alone.)
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  resolveId: (id, importer) => (id === 'node:child_process' && importer?.includes('node_modules/commander') ? '\0lazy-child-process' : null),
  load: (id) =>
    id === '\0lazy-child-process' ? "const { createRequire } = require('node:module');\nmodule.exports = new Proxy({}, { get: (_, key) => createRequire(__filename)('node:child_process')[key] });\n" : null,
};

export default defineConfig([
  {
    input: 'dist/cli/main.js',
    platform: 'node',
    external,
    plugins: [lazyChildProcess],
    output: { file: 'dist/sop-bundle.cjs', format: 'cjs', codeSplitting: false, sourcemap: true },
  },
  {
    input: 'dist/engine/audit/chain-worker.js',
    platform: 'node',
    external,
    output: { file: 'dist/chain-worker.js', format: 'esm', codeSplitting: false },
  },
]);
