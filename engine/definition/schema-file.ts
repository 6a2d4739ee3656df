import { fileURLToPath } from 'node:url';

/** Absolute path of schemas/sop.schema.json, the published contract (from dist/engine/definition/). */
export function schemaPathOnDisk(): string {
  return fileURLToPath(new URL('../../../schemas/sop.schema.json', import.meta.url));
}
