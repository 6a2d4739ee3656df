import { SopError } from '../errors.js';
import type { Instance } from '../store/index.js';
import type { Session } from './session.js';
import { printable } from './identity.js';

export function getInstanceOrFail<S>(session: Session, id: string): Instance<S> {
  const inst = session.store.getInstance<S>(id);
  if (!inst) {
    throw new SopError('instance.unknown', `no instance "${printable(id)}" in ${session.db}`, { hint: 'see sop list, or sop tasks --all' });
  }
  return inst;
}
