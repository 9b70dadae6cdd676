/** What card rendering needs about one hook call (built once per evaluate()). */
import type { FhirResource } from 'fhir/r4';
import type { FactSet } from '../domain/facts';
import type { OrderDescription } from '../mapping/types';
import type { Language } from '../pipeline/engine';
import type { CompiledKnowledgeBase } from './compiled-types';

/** The per-call rendering context. */
export interface RenderContext {
  readonly compiled: CompiledKnowledgeBase;
  readonly facts: FactSet['facts'];
  readonly language: Language;
  readonly patientId: string;
  readonly now: Date;
  readonly hookInstance: string;
  readonly resources: readonly FhirResource[];
  readonly describe: (resource: unknown) => OrderDescription;
}
