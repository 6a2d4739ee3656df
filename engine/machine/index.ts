/** The machine layer: an SOP definition as an XState machine, and instance state as the fold of its events. */
export { buildMachine, CANCELLED } from './build-machine.js';
export type { MachineEvent, CompleteEvent, CancelEvent, MachineContext, SopMachine } from './build-machine.js';
export { initialState, foldEvents, startReplay, applyEvent, checkEvent, resolveChoice, currentStep } from './fold.js';
export type { InstanceState, InstanceStatus, EventCheck, Refusal, RefusalCode, Replay } from './fold.js';
