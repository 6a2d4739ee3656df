/**
 * The unit tests run the TypeScript source, without a build: the one
 * generated module the source needs (the schema's standalone validator,
 * and the version of the checks) is generated here, into the source tree
 * (ignored by git), exactly as the build generates it into dist/.
 */
import { join, resolve } from 'node:path';
import { generateValidator } from '../../engine/definition/build-validator.js';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..', '..');
  generateValidator(join(root, 'engine', 'definition', 'generated'), root);
}
