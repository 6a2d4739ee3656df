/**
 * Test scaffolding: records which packages of node_modules a CLI process
 * loads itself (not what those packages load in turn), and writes their names (one per line) to the file named by
 * SOP_TEST_LOADED when the process exits. Used with --require, so the
 * command itself runs unchanged.
 */
const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const { sep } = require('node:path');

const loaded = new Set();
const original = Module._load;
Module._load = function load(...args) {
  const [request, parent] = args;
  const result = original.apply(this, args);
  // The package a bare request names: "fastify", "@fastify/swagger", "yaml" ...
  const fromPackage = parent?.filename?.includes(`${sep}node_modules${sep}`);
  if (!fromPackage && !request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:') && !Module.isBuiltin(request)) {
    loaded.add(request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]);
  }
  return result;
};
process.on('exit', () => writeFileSync(process.env.SOP_TEST_LOADED, [...loaded].sort().join('\n')));
