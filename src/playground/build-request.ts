/**
 * Turns a FHIR Bundle (a patient record, e.g. a scenario vignette) into the CDS Hooks request an EHR would
 * send for it: context from the Patient and the draft orders, prefetch answered from the record by the
 * service's own templates (CDS Hooks 2.0.1 § HTTP Request, § Prefetch Template). Draft orders
 * (MedicationRequest / ServiceRequest with status draft) become context.draftOrders, not record data.
 */
import type { Bundle, FhirResource } from 'fhir/r4';
import type { CdsRequest, HookName } from '../cds-hooks/types';
import { AppError } from '../shared/errors';
import { resolvePrefetch } from '../fhir/memory-search';

/** What the playground page posts to have a request built. */
export interface BuildRequestInput {
  readonly hook: HookName;
  readonly bundle: unknown;
  readonly prefetchTemplates: Readonly<Record<string, string>>;
  readonly hookInstance: string;
  readonly userId: string;
  readonly now: Date;
  /** order-select: the selected draft orders (`Type/id`); default all of them. */
  readonly selections?: readonly string[];
}

const ORDER_TYPES = new Set(['MedicationRequest', 'ServiceRequest', 'NutritionOrder', 'DeviceRequest', 'VisionPrescription']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources of a Bundle's entries that carry a resourceType and an id. */
export function bundleResources(bundle: unknown): FhirResource[] {
  if (!isObject(bundle) || bundle['resourceType'] !== 'Bundle') {
    throw new AppError('REQUEST_INVALID', 'expected a FHIR Bundle (resourceType "Bundle")', ['bundle']);
  }
  const entries = Array.isArray(bundle['entry']) ? bundle['entry'] : [];
  const resources: FhirResource[] = [];
  for (const entry of entries) {
    const resource = isObject(entry) ? entry['resource'] : undefined;
    if (isObject(resource) && typeof resource['resourceType'] === 'string' && typeof resource['id'] === 'string') {
      resources.push(resource as unknown as FhirResource);
    }
  }
  return resources;
}

/** True for an unsigned order: an order resource whose status is draft. */
export function isDraftOrder(resource: FhirResource): boolean {
  return ORDER_TYPES.has(resource.resourceType) && (resource as { status?: string }).status === 'draft';
}

/** Builds the CDS Hooks request for `hook` from a patient-record Bundle. */
export function buildHookRequest(input: BuildRequestInput): CdsRequest {
  const resources = bundleResources(input.bundle);
  const patients = resources.filter((r) => r.resourceType === 'Patient');
  const patient = patients[0];
  if (patient === undefined || patient.id === undefined) {
    throw new AppError('REQUEST_INVALID', 'the Bundle holds no Patient resource with an id', ['bundle.entry']);
  }
  if (patients.length > 1) {
    throw new AppError('REQUEST_INVALID', 'the Bundle holds more than one Patient; send one patient record', ['bundle.entry']);
  }
  const drafts = resources.filter(isDraftOrder);
  const record = resources.filter((r) => !isDraftOrder(r));
  const base = { userId: input.userId, patientId: patient.id };
  let context: CdsRequest['context'] = base;
  if (input.hook !== 'patient-view') {
    if (drafts.length === 0) {
      throw new AppError('REQUEST_INVALID', `${input.hook} needs draft orders: the Bundle holds no MedicationRequest or ServiceRequest with status "draft"`, ['bundle.entry']);
    }
    const draftOrders: Bundle = { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
    context = input.hook === 'order-select'
      ? { ...base, selections: input.selections ?? drafts.map((d) => `${d.resourceType}/${d.id ?? ''}`), draftOrders }
      : { ...base, draftOrders };
  }
  const prefetch = resolvePrefetch(input.prefetchTemplates, context, record, input.now);
  return {
    hook: input.hook,
    hookInstance: input.hookInstance,
    context,
    ...(Object.keys(prefetch).length > 0 ? { prefetch } : {}),
  };
}
