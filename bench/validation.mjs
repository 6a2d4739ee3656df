/**
 * Target 4: SOP files validated per second, on 1,000 generated SOPs of 30
 * steps each: `sop validate <folder>` as one whole process, against a whole
 * process that only reads and parses the same files with the yaml package.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { CLI, ROOT, interleavedMedians, fmt } from './lib/measure.mjs';
import { tempDir } from './lib/fixtures.mjs';
import { generateSops } from './lib/generate-sops.mjs';

const PARSE_ONLY = `const fs=require('fs'),path=require('path'),YAML=require('yaml');const d=process.argv[1];for(const f of fs.readdirSync(d))YAML.parse(fs.readFileSync(path.join(d,f),'utf8'));`;

export function validation({ count = 1000, steps = 30, rounds = 5 } = {}) {
  const dir = join(tempDir(), 'sops');
  generateSops(dir, { count, steps });
  const m = interleavedMedians(
    {
      parse: () => [process.execPath, '-e', PARSE_ONLY, dir],
      validate: () => [process.execPath, CLI, 'validate', dir, '--strict'],
    },
    { rounds, warmup: 1, cwd: ROOT },
  );
  rmSync(dir, { recursive: true, force: true });
  const ours = (count / m.validate) * 1000;
  const baseline = (count / m.parse) * 1000;
  return [
    {
      id: '4',
      measure: `Validation: ${count} SOPs of ${steps} steps, sop validate --strict (schema, rules, lint)`,
      figure: fmt.rate(ours, 'files'),
      baseline: `${fmt.rate(baseline, 'files')} (yaml.parse only)`,
      ratio: fmt.ratio(ours / baseline),
      target: 'reported',
      met: undefined,
    },
  ];
}
