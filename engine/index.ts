/**
 * The public API of the engine. The CLI and the tests import only this.
 */
export { SopError, isSopError, formatProblem } from './errors.js';
export type { Problem, Severity, SourceLocation } from './errors.js';
export type {
  SopDefinition,
  Identity,
  Signatory,
  RelatedSop,
  Retention,
  Actor,
  ActorKind,
  OutputSpec,
  Exit,
  Step,
  ProcessStep,
  DecisionStep,
  End,
} from './definition/types.js';
export { parseDuration, isDuration, toIso, formatDuration, addDurations, formatTotal } from './definition/duration.js';
export type { Duration, DurationUnit, DurationTotal } from './definition/duration.js';
export {
  checkSopFile,
  checkSopSource,
  expandSopPaths,
  loadSop,
  sopFileIn,
  sopIdsIn,
  assertSopDir,
  displayPath,
  MAX_SOP_FILE_BYTES,
  SCHEMA_COMMENT,
} from './definition/load.js';
export type { CheckedFile } from './definition/load.js';
export { slug } from './definition/semantic-check.js';
