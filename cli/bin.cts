#!/usr/bin/env node
/**
 * The `sop` binary. It runs the bundled CLI (dist/sop-bundle.cjs, built by
 * rolldown from dist/cli/main.js) as CommonJS through V8's code cache: an
 * operator runs sop many times a day, and compiling the bundle's source at
 * each start cost more than loading it. The cache (dist/sop-bundle.cjs.cache)
 * is written at build time and again whenever V8 refuses it (another Node
 * version); when it cannot be written (a read-only install), sop simply
 * compiles as usual. Node 22's module.enableCompileCache() does the same for
 * every module; Node 20 has only vm.Script's cachedData.
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import Module = require('node:module');

const bundle = path.join(__dirname, '..', 'sop-bundle.cjs');
const cacheFile = `${bundle}.cache`;

let cachedData: Buffer | undefined;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The bundle keeps main.ts's "#!" line, which only Node's own loader skips: make it a comment (same line numbers).
const text = fs.readFileSync(bundle, 'utf8');
const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
const script = new vm.Script(Module.wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temp = `${cacheFile}.${process.pid}`;
    try {
      // Atomic: two commands starting at once must never leave half a cache.
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      fs.rmSync(temp, { force: true });
    }
  });
}
const bundled = new Module(bundle, module);
bundled.filename = bundle;
const compiled = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
compiled.call(bundled.exports, bundled.exports, Module.createRequire(bundle), bundled, bundle, path.dirname(bundle));
