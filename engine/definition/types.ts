/**
 * The normalized form of an SOP: what every other part of the engine works
 * on. It is the YAML file with its defaults filled in (`next` of a step,
 * `id` of an exit, the start step) and its time standards parsed.
 */
import type { Duration } from './duration.js';

export interface Signatory {
  /** Free text such as "Ditandatangani Secara Elektronik Oleh". */
  note?: string;
  position?: string;
  name?: string;
  rank?: string;
}

export interface SopIdentity {
  agency: string;
  unit: string;
  number: string;
  name: string;
  createdOn: string;
  revisedOn: string | null;
  effectiveOn: string;
  approvedBy?: Signatory;
}

/** Keterkaitan: a related SOP, by id when it lives in `sops/`, else by name. */
export interface RelatedSop {
  sop?: string;
  name: string;
}

export interface Retention {
  minimumYears: number;
  note?: string;
}

export type ActorKind = 'role' | 'case';

export interface Actor {
  id: string;
  name: string;
  /** `role`: a standing role granted to users; `case`: a person of the case, bound per instance. */
  kind: ActorKind;
  description?: string;
}

export interface OutputSpec {
  id: string;
  name: string;
  /** A sensitive output's value is never stored or shown, only that it was given. */
  sensitive: boolean;
}

export interface Exit {
  id: string;
  label: string;
  to: string;
}

interface StepBase {
  id: string;
  /** The number as printed in the document; not necessarily unique. */
  number: string;
  activity: string;
  actor: string;
  requirements: string[];
  time: Duration | null;
  /** The time standard as written in the file. */
  timeText: string | null;
  outputs: OutputSpec[];
  notes: string | null;
  /**
   * Separation of duties: a person bound to a case actor of an instance may
   * complete this step of another actor only when it says so. Absent: false.
   */
  allowCaseActor?: true;
  /** Separation of duties: whoever completes this step must not have completed these steps in the same instance. Absent: none. */
  separateFrom?: string[];
}

export interface ProcessStep extends StepBase {
  kind: 'process';
  next: string;
}

export interface DecisionStep extends StepBase {
  kind: 'decision';
  exits: Exit[];
}

export type Step = ProcessStep | DecisionStep;

export interface End {
  id: string;
  name: string;
  outcome: string;
}

export interface SopDefinition {
  id: string;
  revision: number;
  identity: SopIdentity;
  legalBasis: string[];
  qualifications: string[];
  related: RelatedSop[];
  equipment: string[];
  warnings: string[];
  records: string[];
  retention: Retention | null;
  actors: Actor[];
  start: string;
  steps: Step[];
  ends: End[];
}
