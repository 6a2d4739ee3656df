/**
 * The public API of the engine, for tests and for programs that embed it.
 * The CLI imports the modules it needs directly, so that each command loads
 * only what it uses (an operator runs `sop status` many times a day).
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
export { relatedSopsIn } from './definition/related-lookup.js';
export type { RelatedLookup } from './definition/lint.js';
export { flowArrows } from './definition/flow-graph.js';
export type { FlowArrow } from './definition/flow-graph.js';
export { flowchartOf } from './tooling/flowchart.js';
export type { Flowchart, FlowchartNode, FlowchartEdge, Shape } from './tooling/flowchart.js';
export { mermaidFlowchart, mermaidText } from './tooling/graph-mermaid.js';
export { dotFlowchart, dotString } from './tooling/graph-dot.js';
export { sopPaths, workingDayMinutes } from './tooling/paths.js';
export type { SopPaths, SopPath, PathStep, PathOptions } from './tooling/paths.js';
export { sopSkeleton, assertNewSopId } from './tooling/skeleton.js';
export type { SkeletonOptions } from './tooling/skeleton.js';
export { renderHtml } from './tooling/render-html.js';
export { renderMarkdown } from './tooling/render-md.js';
export { documentModel, tanggal } from './tooling/document-model.js';
export type { DocumentModel, DocumentRow, Connector } from './tooling/document-model.js';
export { Session } from './runtime/session.js';
export type { SessionOptions } from './runtime/session.js';
export { resolveIdentity, osLogin, printable } from './runtime/identity.js';
export type { Identity as UserIdentity } from './runtime/identity.js';
export { initDatabase, addUser, changeRoles, removeUser, listUsers, currentUser, knownActors } from './runtime/people.js';
export type { RoleChange } from './runtime/people.js';
export type { User } from './store/index.js';
export { DEFAULT_CALENDAR } from './calendar/calendar.js';
export type { OfficeCalendar, WorkingInterval, IsoWeekday } from './calendar/calendar.js';
export { loadCalendar, checkCalendarFile, CALENDAR_FILES } from './calendar/load-calendar.js';
export { addWorkingTime, workingMinutesBetween, isOverdue, formatLocal, parseLocalTime } from './calendar/working-time.js';
export { buildMachine, foldEvents, applyEvent, checkEvent, resolveChoice, currentStep, initialState, CANCELLED } from './machine/index.js';
export type { MachineEvent, InstanceState, EventCheck } from './machine/index.js';
export { startInstance, MAX_TITLE } from './runtime/start.js';
export type { StartOptions } from './runtime/start.js';
export { advanceInstance, MAX_OUTPUT_BYTES, MAX_NOTE } from './runtime/advance.js';
export type { AdvanceOptions, OutputInput, Advanced } from './runtime/advance.js';
export { instanceStatus, pendingStep } from './runtime/status.js';
export type { StatusView, CurrentStepView } from './runtime/status.js';
export { tasks, listInstances } from './runtime/inbox.js';
export type { TaskView, ListedInstance } from './runtime/inbox.js';
export { cancelInstance } from './runtime/cancel.js';
export { runRequest, newRequestId, assertRequestId, REQUEST_ID } from './runtime/requests.js';
export type { RequestSpec } from './runtime/requests.js';
export { storeFailure, sqliteVersionOk, MINIMUM_SQLITE } from './store/index.js';
export { readOutput } from './runtime/outputs.js';
export type { StoredOutput } from './runtime/outputs.js';
export { instanceHistory } from './runtime/history.js';
export type { HistoryEntry } from './runtime/history.js';
export { deriveState, machineEventOf } from './runtime/instance-state.js';
export type { RuntimeState } from './runtime/instance-state.js';
export { verifyStore, MAX_BREAKS } from './audit/verify.js';
export type { VerifyOptions, VerifyReport } from './audit/verify.js';
export type { Break, BreakCode } from './audit/breaks.js';
export { writeBundle, verifyBundle, BUNDLE_FORMAT } from './audit/bundle.js';
export type { BundleHeader, BundleSummary, BundleInstance } from './audit/bundle.js';
export { replayRecorded } from './audit/replay-view.js';
export type { ReplayView, ReplayStep } from './audit/replay-view.js';
export { formatCheckpoint, parseCheckpoint, GENESIS } from './store/chain.js';
export type { Checkpoint } from './store/chain.js';
export { complianceReport, computeReport, figures, DEFAULT_TARGET } from './audit/report.js';
export type { ComplianceReport, SopReport, StepReport, ActorReport, OverdueStep, OpenInstance, Figures, Execution, Verdict, ReportInstance, ReportOptions } from './audit/report.js';
