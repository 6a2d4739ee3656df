/**
 * The public API of sop: what the CLI, the server and any program that
 * embeds the engine use. One entry, `openEngine`, gives an engine whose
 * methods are the use cases; the rest are the shapes those methods take and
 * give, the one error type, and the few pure helpers a presenter needs to
 * show results (times in the office's time zone, durations, checkpoints,
 * text made safe to print).
 *
 * @example
 * import { openEngine, sopsInMemory } from 'sop';
 * const engine = await openEngine({ db: ':memory:', create: true, sops: sopsInMemory({ 'izin-cuti': yaml }), identity: { user: 'admin', osUser: 'app' } });
 * await engine.people.init('admin');
 */

// The engine and where its SOPs come from.
export { openEngine, Engine, Instances, People, Audit, Definitions } from './engine.js';
export type { EngineOptions, AdvanceRequest, AdvanceResult, Changing, CatalogEntry } from './engine.js';
// Proven identity (issue 11): logins, sessions, API tokens; and the engine's interface, which the CLI's client of the server implements too.
export { Auth, AuthTokens } from './engine.js';
export type { SopEngine } from './engine.js';
export type { Authenticated, LoginResult, NewToken } from './runtime/auth.js';
export type { ApiToken } from './store/index.js';
export { sopsFromFolder, sopsInMemory } from './runtime/sop-source.js';
export type { SopSource } from './runtime/sop-source.js';
export type { Identity } from './runtime/context.js';

// Errors.
export { SopError, isSopError, hasCode, formatProblem, ERROR_KINDS } from './errors.js';
export type { ErrorCode, ErrorKind, ErrorData, Problem, Severity, SourceLocation } from './errors.js';

// What the use cases take and give.
export type { OutputInput } from './runtime/advance-request.js';
export { MAX_OUTPUT_BYTES, MAX_NOTE, MAX_TITLE } from './runtime/limits.js';
export type { StatusView, CurrentStepView } from './runtime/status.js';
export type { TaskView, ListedInstance } from './runtime/inbox.js';
export type { HistoryEntry, InstanceHistory } from './runtime/history.js';
export type { StoredOutput } from './runtime/outputs.js';
export type { User, InstanceStatus } from './store/types.js';
export type { Published } from './store/publications.js';
export type { PublishedSop } from './engine.js';
export type { Profile } from './store/users.js';
export type { Via, ActorMeta, DeputyMeta } from './events.js';
export type { Delegation, Authority, AuthorityCode, AuthorityFacts, Completion } from './machine/authority.js';
export type { DelegationRequest, DelegationView, DeputyTitle } from './runtime/delegation.js';
export type { Checkpoint } from './store/chain.js';
export type { VerifyReport, CheckedCheckpoint } from './audit/verify.js';
export type { SignedCheckpoint, AnyCheckpoint, PublicSigningKey } from './audit/signing.js';
export type { SigningKey } from './store/signing-keys.js';
export type { Break, BreakCode } from './audit/breaks.js';
export type { BundleHeader, BundleSummary, BundleKey } from './audit/bundle.js';
export type { ReplayView, ReplayStep } from './audit/replay-view.js';
export type { ComplianceReport, SopReport, StepReport, ActorReport, OverdueStep, OpenInstance, Figures, Verdict, Marked, MarkedAction } from './audit/report.js';
export { DEFAULT_TARGET } from './audit/report-target.js';
export type { Validation, ValidatedFile } from './definition/validate.js';
export type { SopPaths, SopPath, PathStep } from './tooling/paths.js';
export type { SkeletonOptions } from './tooling/skeleton.js';

// The SOP language, as the engine reads it.
export type { SopDefinition, SopIdentity, Signatory, RelatedSop, Retention, Actor, ActorKind, OutputSpec, Exit, Step, ProcessStep, DecisionStep, End } from './definition/types.js';
export type { Duration, DurationUnit, DurationTotal } from './definition/duration.js';
export type { OfficeCalendar, WorkingInterval, IsoWeekday } from './calendar/calendar.js';
export type { CalendarJson } from './calendar/calendar-json.js';

// Pure helpers for presenting results.
export { formatDuration, formatTotal } from './definition/duration.js';
export { formatLocal, parseLocalTime } from './calendar/working-time.js';
export { calendarToJson, calendarFromJson } from './calendar/calendar-json.js';
export { formatCheckpoint, parseCheckpoint } from './store/chain.js';
export { formatAnyCheckpoint, parseAnyCheckpoint, printableCheckpoint, isSigned, keyIdOf, signCheckpoint, signatureHolds } from './audit/signing.js';
export { escapeControls, printable, isPlainText, cut } from './text.js';
export { REQUEST_ID } from './runtime/requests.js';
export { displayPath } from './definition/display-path.js';
