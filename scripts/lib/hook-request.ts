/**
 * Builds CDS Hooks 2.0.1 requests (patient-view, order-select, order-sign) for a generated record, and a
 * body factory that swaps only the hookInstance so large bodies are serialised once.
 */
import { randomUUID } from 'node:crypto';
import type { FhirResource } from 'fhir/r4';
import { draftOrders } from './generate-record';
import { fillPrefetch } from './prefetch-fill';

/** The hooks of the three services. */
export type Hook = 'patient-view' | 'order-select' | 'order-sign';

/** Options of buildHookRequest. */
export interface HookRequestInput {
  readonly hook: Hook;
  readonly patientId: string;
  readonly resources: readonly FhirResource[];
  /** The service's discovery prefetch templates; absent → no prefetch member. */
  readonly prefetchTemplates?: Readonly<Record<string, string>>;
  readonly userId?: string;
  readonly fhirServer?: string;
  readonly accessToken?: string;
  readonly now?: Date;
}

/** A hook request as a plain object. */
export function buildHookRequest(input: HookRequestInput): Record<string, unknown> {
  const userId = input.userId ?? 'Practitioner/bench-doc-1';
  const context: Record<string, unknown> = { userId, patientId: input.patientId };
  if (input.hook !== 'patient-view') {
    const drafts = draftOrders(input.patientId, input.now);
    context['draftOrders'] = drafts.bundle;
    if (input.hook === 'order-select') context['selections'] = drafts.selections;
  }
  const body: Record<string, unknown> = { hook: input.hook, hookInstance: randomUUID(), context };
  if (input.fhirServer !== undefined) {
    body['fhirServer'] = input.fhirServer;
    if (input.accessToken !== undefined) {
      body['fhirAuthorization'] = {
        access_token: input.accessToken,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/*.read',
        subject: 'hcc-cds',
        patient: input.patientId,
      };
    }
  }
  if (input.prefetchTemplates !== undefined) {
    body['prefetch'] = fillPrefetch(input.prefetchTemplates, input.resources, { patientId: input.patientId, userId });
  }
  return body;
}

/** Serialises a request once; each call of the returned function yields the bytes with a fresh hookInstance. */
export function bodyFactory(request: Readonly<Record<string, unknown>>): { bytes: number; next: () => Buffer } {
  const marker = '00000000-0000-4000-8000-000000000000';
  const json = JSON.stringify({ ...request, hookInstance: marker });
  const at = json.indexOf(marker);
  const head = Buffer.from(json.slice(0, at));
  const tail = Buffer.from(json.slice(at + marker.length));
  return {
    bytes: Buffer.byteLength(json),
    next: () => Buffer.concat([head, Buffer.from(randomUUID()), tail]),
  };
}
