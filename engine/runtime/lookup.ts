import { SopError } from '../errors.js';
import type { Instance } from '../store/index.js';
import { printable } from '../text.js';
import type { Context } from './context.js';

export function getInstanceOrFail<S>(ctx: Context, id: string): Instance<S> {
  const inst = ctx.store.getInstance<S>(id);
  if (!inst) throw new SopError('instance.unknown', `no instance "${printable(id)}" in ${ctx.store.path}`, { data: { instance: id, file: ctx.store.path } });
  return inst;
}
