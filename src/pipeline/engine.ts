/**
 * The contract between data access (prefetch / FHIR fallback) and the consensus engine. Nothing here
 * imports express: runService, the CLI and the tests all drive an Engine the same way.
 */
import type { FhirResource } from 'fhir/r4';
import type { CdsCard, HookContext, HookName } from '../cds-hooks/types';
import type { DataIssue } from '../domain/facts';

/** The languages cards are written in. */
export type Language = 'zh-CN' | 'en';

/** Everything the engine needs to answer one hook call. */
export interface HookInput {
  readonly serviceId: string;
  readonly hook: HookName;
  readonly hookInstance: string;
  readonly patientId: string;
  readonly context: HookContext;
  /** The patient's resources gathered from prefetch and/or the FHIR server, de-duplicated, this patient only. */
  readonly resources: readonly FhirResource[];
  /** Problems met while gathering the data (OperationOutcome in prefetch, other patients' resources…). */
  readonly dataIssues: readonly DataIssue[];
  readonly now: Date;
  readonly language: Language;
}

/** A recommendation that could not be evaluated, with the facts it lacks (response extension). */
export interface NotEvaluable {
  readonly id: string;
  readonly missingFacts: readonly string[];
}

/** What the engine answers: cards plus the response-level "org.hcc-cds" extension. */
export interface EngineResult {
  readonly cards: readonly CdsCard[];
  readonly extension: {
    readonly kbVersion: string;
    readonly notEvaluable: readonly NotEvaluable[];
    readonly dataIssues: readonly DataIssue[];
  };
  /** Per card uuid, the recommendation ids behind it (for the card log; never sent to the EHR separately). */
  readonly cardLog: readonly { readonly cardUuid: string; readonly recommendationIds: readonly string[] }[];
}

/** A consensus engine bound to a knowledge base and mappings, loaded and validated once at start-up. */
export interface Engine {
  readonly kbVersion: string;
  /** Evaluates one hook call; must never throw on clinical data. */
  evaluate(input: HookInput): EngineResult;
  /** The prefetch templates a service of this hook needs, generated from the mappings its knowledge uses. */
  prefetchFor(hook: HookName): Readonly<Record<string, string>>;
}
