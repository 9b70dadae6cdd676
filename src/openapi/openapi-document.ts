/**
 * The OpenAPI 3.1 description of the service (`GET /openapi.json`), generated at start-up from the very JSON
 * Schema objects the service enforces (src/cds-hooks/schemas, imported here as they are by the validator),
 * embedded unchanged under components.schemas with their `$id` and draft-07 `$schema` (OpenAPI 3.1 § Schema
 * Object allows a per-schema dialect). One concrete path per CDS service, so generated clients get the exact
 * request schema of its hook. No upstream OpenAPI for CDS Hooks exists (cds-hooks.md §4, §12 item 13).
 * @see https://spec.openapis.org/oas/v3.1.0
 */
import type { CdsServiceDescriptor, HookName } from '../cds-hooks/types';
import discoverySchema from '../cds-hooks/schemas/discovery-response.schema.json';
import feedbackSchema from '../cds-hooks/schemas/feedback.schema.json';
import requestCommon from '../cds-hooks/schemas/request-common.schema.json';
import requestOrderSelect from '../cds-hooks/schemas/request-order-select.schema.json';
import requestOrderSign from '../cds-hooks/schemas/request-order-sign.schema.json';
import requestPatientView from '../cds-hooks/schemas/request-patient-view.schema.json';
import responseSchema from '../cds-hooks/schemas/response.schema.json';
import feedbackReceipt from './feedback-receipt.schema.json';
import feedbackSummary from './feedback-summary.schema.json';
import operationOutcome from './operation-outcome.schema.json';

/** The schemas embedded in the document, by component name: the same objects the service validates with. */
export const EMBEDDED_SCHEMAS = {
  DiscoveryResponse: discoverySchema,
  HookRequestCommon: requestCommon,
  PatientViewRequest: requestPatientView,
  OrderSelectRequest: requestOrderSelect,
  OrderSignRequest: requestOrderSign,
  CdsResponse: responseSchema,
  FeedbackRequest: feedbackSchema,
  FeedbackReceipt: feedbackReceipt,
  FeedbackSummary: feedbackSummary,
  OperationOutcome: operationOutcome,
} as const;

/** The component holding each hook's request schema. */
export const REQUEST_SCHEMA_BY_HOOK: Readonly<Record<HookName, keyof typeof EMBEDDED_SCHEMAS>> = {
  'patient-view': 'PatientViewRequest',
  'order-select': 'OrderSelectRequest',
  'order-sign': 'OrderSignRequest',
};

/** What the document describes. */
export interface OpenApiOptions {
  readonly services: readonly CdsServiceDescriptor[];
  readonly version: string;
  readonly kbVersion?: string;
  /** The public base URL; omitted → no `servers`, which OpenAPI 3.1 reads as the document's own origin. */
  readonly serverUrl?: string;
  readonly requireAuthOnDiscovery: boolean;
}

/** An OpenAPI 3.1 document (plain JSON). */
export type OpenApiDocument = Readonly<Record<string, unknown>>;

const ref = (name: keyof typeof EMBEDDED_SCHEMAS): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown): Record<string, unknown> => ({ content: { 'application/json': { schema } } });
const problem = (description: string): Record<string, unknown> => ({ description, ...json(ref('OperationOutcome')) });

/** Error answers (src/shared/errors.ts catalogue), all with an OperationOutcome body. */
const ERRORS = {
  '400': problem('Invalid request: schema violation, wrong hook for this service, fhirServer not allowed'),
  '401': problem('Missing or invalid CDS Hooks JWT (the reason is not disclosed)'),
  '403': problem('Valid JWT, but the client is not enabled for this service'),
  '404': problem('No such service'),
  '405': problem('Method not allowed'),
  '413': problem('Body too large'),
  '415': problem('Body is not JSON'),
  '500': problem('Internal error (no details disclosed)'),
  '503': problem('Not ready, storage unavailable, or the deadline was exceeded'),
} as const;

const pick = (...codes: (keyof typeof ERRORS)[]): Record<string, unknown> => Object.fromEntries(codes.map((c) => [c, ERRORS[c]]));

const HOOK_TEXT: Readonly<Record<HookName, string>> = {
  'patient-view': 'patient-view: the chart of a patient is opened (CDS Hooks Library 1.0.1)',
  'order-select': 'order-select: orders are selected in the ordering workflow; `selections` must point into `draftOrders`',
  'order-sign': 'order-sign: orders are about to be signed',
};

function servicePath(service: CdsServiceDescriptor): Record<string, unknown> {
  const lines = [service.description, '', HOOK_TEXT[service.hook]];
  if (service.prefetch !== undefined) {
    lines.push('', 'Prefetch templates (send what you can; absent keys are fetched from fhirServer with fhirAuthorization):');
    for (const [key, template] of Object.entries(service.prefetch)) lines.push(`- \`${key}\`: \`${template}\``);
  }
  if (service.usageRequirements !== undefined) lines.push('', service.usageRequirements);
  return {
    post: {
      operationId: `call_${service.id.replace(/[^A-Za-z0-9]/g, '_')}`,
      tags: ['CDS services'],
      summary: service.title ?? service.id,
      description: lines.join('\n'),
      security: [{ cdsHooksJwt: [] }],
      parameters: [
        {
          name: 'Accept-Language',
          in: 'header',
          required: false,
          description: 'Card language: zh* → zh-CN, en* → en; otherwise the configured default',
          schema: { type: 'string' },
        },
      ],
      requestBody: { required: true, ...json(ref(REQUEST_SCHEMA_BY_HOOK[service.hook])) },
      responses: {
        '200': { description: 'Cards (possibly none)', ...json(ref('CdsResponse')) },
        '412': problem('Required data could not be obtained: prefetch absent and no usable fhirServer/fhirAuthorization, or the FHIR server failed (CDS Hooks 2.0.1 § Prefetch)'),
        ...pick('400', '401', '403', '404', '413', '415', '500', '503'),
      },
    },
  };
}

/** Builds the OpenAPI 3.1 document for the given services. */
export function openApiDocument(options: OpenApiOptions): OpenApiDocument {
  const serviceIds = options.services.map((s) => s.id);
  const idParameter = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'A service id from discovery',
    schema: serviceIds.length > 0 ? { type: 'string', enum: serviceIds } : { type: 'string' },
  };
  const paths: Record<string, unknown> = {
    '/cds-services': {
      get: {
        operationId: 'discovery',
        tags: ['CDS Hooks'],
        summary: 'Discovery (CDS Hooks 2.0.1 § Discovery)',
        security: options.requireAuthOnDiscovery ? [{ cdsHooksJwt: [] }] : [{}, { cdsHooksJwt: [] }],
        responses: { '200': { description: 'The services', ...json(ref('DiscoveryResponse')) }, ...pick('401', '500') },
      },
    },
  };
  for (const service of options.services) paths[`/cds-services/${service.id}`] = servicePath(service);
  paths['/cds-services/{id}/feedback'] = {
    post: {
      operationId: 'feedback',
      tags: ['CDS Hooks'],
      summary: 'Feedback on served cards (CDS Hooks 2.0.1 § Feedback); idempotent',
      security: [{ cdsHooksJwt: [] }],
      parameters: [idParameter],
      requestBody: { required: true, ...json(ref('FeedbackRequest')) },
      responses: { '200': { description: 'Stored (duplicates ignored)', ...json(ref('FeedbackReceipt')) }, ...pick('400', '401', '403', '404', '413', '415', '500', '503') },
    },
  };
  paths['/cds-services/{id}/feedback/summary'] = {
    get: {
      operationId: 'feedbackSummary',
      tags: ['Analytics'],
      summary: 'Per-recommendation feedback summary: cards served, accepted, overridden, top override reasons',
      security: [{ cdsHooksJwt: [] }],
      parameters: [
        idParameter,
        { name: 'since', in: 'query', required: false, description: 'Cards served at or after (date or date-time with zone)', schema: { type: 'string' } },
        { name: 'until', in: 'query', required: false, description: 'Cards served before (date or date-time with zone)', schema: { type: 'string' } },
        { name: 'top', in: 'query', required: false, description: 'Override reasons listed per recommendation (default 5)', schema: { type: 'integer', minimum: 1, maximum: 99 } },
      ],
      responses: { '200': { description: 'The summary', ...json(ref('FeedbackSummary')) }, ...pick('400', '401', '403', '404', '500', '503') },
    },
  };
  paths['/healthz'] = {
    get: { operationId: 'health', tags: ['Operations'], summary: 'Liveness', security: [], responses: { '200': { description: 'Alive' } } },
  };
  paths['/readyz'] = {
    get: { operationId: 'ready', tags: ['Operations'], summary: 'Readiness (knowledge base loaded, store writable)', security: [], responses: { '200': { description: 'Ready' }, ...pick('503') } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'hcc-cds — CDS Hooks 2.0.1 service',
      version: options.version,
      summary: 'Chinese expert consensus on targeted-immune combination plus local therapy for intermediate/advanced HCC, as CDS Hooks cards',
      description: [
        'Generated from the JSON Schemas the service enforces (components.schemas, draft-07 with their `$id`).',
        'Every call carries a CDS Hooks JWT (CDS Hooks 2.0.1 § Trusting CDS Clients): ES384 or RS384, `aud` = the exact URL called.',
        ...(options.kbVersion !== undefined ? [`Knowledge base version: ${options.kbVersion}.`] : []),
      ].join('\n\n'),
    },
    ...(options.serverUrl !== undefined ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'CDS Hooks', description: 'Discovery and feedback' },
      { name: 'CDS services', description: 'One path per service' },
      { name: 'Analytics', description: 'For the clinical panel' },
      { name: 'Operations', description: 'Probes' },
    ],
    paths,
    components: {
      schemas: { ...EMBEDDED_SCHEMAS },
      securitySchemes: {
        cdsHooksJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Signed by a trusted CDS client: header alg (ES384/RS384), kid, typ JWT; claims iss, aud, exp, iat, jti (CDS Hooks 2.0.1 § Trusting CDS Clients).',
        },
      },
    },
  };
}
