import type { PathSegment } from './parse-yaml.js';

/** `['steps', 3, 'actor']` -> `steps[3].actor`: the form problems print. */
export function formatPath(path: PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}
