/** Where SOP files are: cheap lookups that need neither the parser nor the checks. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SOP_EXTENSIONS = ['.yaml', '.yml'] as const;

/** The file of SOP `id` in `dir`, if there is one. */
export function sopFileIn(dir: string, id: string): string | undefined {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return undefined;
  for (const ext of SOP_EXTENSIONS) {
    const f = join(dir, id + ext);
    if (existsSync(f)) return f;
  }
  return undefined;
}
