import { relative, resolve } from 'node:path';

/** A path as a person reads it in a message: relative to the working directory when it is below it, else absolute. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), resolve(p));
  return rel && !rel.startsWith('..') ? rel : resolve(p);
}
