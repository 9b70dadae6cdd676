import { lintPrefetchTemplate, resolvePrefetchTemplate } from '../../src/fhir/prefetch-tokens';
import type { HookContext } from '../../src/cds-hooks/types';

const NOW = new Date('2025-06-01T10:00:00Z');
const ctx: HookContext = { userId: 'Practitioner/doc-1', patientId: 'pat-1', encounterId: 'enc-9' };

describe('resolvePrefetchTemplate', () => {
  it.each([
    ['Patient/{{context.patientId}}', 'Patient/pat-1'],
    ['Observation?patient={{ context.patientId }}&code=http://loinc.org|1834-1', 'Observation?patient=pat-1&code=http://loinc.org|1834-1'],
    ['{{context.userId}}', 'Practitioner/doc-1'],
    ['Practitioner/{{userPractitionerId}}', 'Practitioner/doc-1'],
    ['Encounter/{{context.encounterId}}', 'Encounter/enc-9'],
    ['Observation?patient={{context.patientId}}&date=ge{{today() - 90 days}}', 'Observation?patient=pat-1&date=ge2025-03-03'],
    ['Observation?date=le{{today()}}', 'Observation?date=le2025-06-01'],
    ['Observation?date=le{{today() + 1 day}}', 'Observation?date=le2025-06-02'],
  ])('%s → %s', (template, query) => {
    expect(resolvePrefetchTemplate(template, ctx, NOW)).toEqual({ ok: true, query });
  });

  it.each([
    ['PractitionerRole/{{userPractitionerRoleId}}', ctx],
    ['Patient/{{userPatientId}}', ctx],
    ['RelatedPerson/{{userRelatedPersonId}}', ctx],
    ['Encounter/{{context.encounterId}}', { userId: 'Practitioner/1', patientId: 'p' }],
    ['MedicationRequest/{{context.selections}}', { ...ctx, selections: ['MedicationRequest/1'] }],
    ['Patient/{{context.patientId}}', { userId: 'Practitioner/1', patientId: '1&_include=*' }],
    ['Patient/{{context.patientId}}', { userId: 'Practitioner/1', patientId: '../x' }],
    ['Patient/{{patient}}', ctx],
    ['Patient/{{context.patientId}', ctx],
  ])('reports %s as unresolvable', (template, context) => {
    const r = resolvePrefetchTemplate(template, context as HookContext, NOW);
    expect(r.ok).toBe(false);
  });

  it('derives each user token from the type of userId', () => {
    const patientUser = { ...ctx, userId: 'Patient/pat-1' };
    expect(resolvePrefetchTemplate('Patient/{{userPatientId}}', patientUser, NOW)).toEqual({ ok: true, query: 'Patient/pat-1' });
    expect(resolvePrefetchTemplate('Practitioner/{{userPractitionerId}}', patientUser, NOW).ok).toBe(false);
    const role = { ...ctx, userId: 'PractitionerRole/r1' };
    expect(resolvePrefetchTemplate('PractitionerRole/{{userPractitionerRoleId}}', role, NOW)).toEqual({ ok: true, query: 'PractitionerRole/r1' });
    const rp = { ...ctx, userId: 'RelatedPerson/x' };
    expect(resolvePrefetchTemplate('RelatedPerson/{{userRelatedPersonId}}', rp, NOW)).toEqual({ ok: true, query: 'RelatedPerson/x' });
  });
});

describe('lintPrefetchTemplate', () => {
  it.each([
    ['patient-view', 'Patient/{{context.patientId}}'],
    ['patient-view', '{{context.userId}}'],
    ['order-select', 'Condition?patient={{context.patientId}}&clinical-status=active&_count=100'],
    ['order-sign', 'Observation?patient={{context.patientId}}&code:in=http://example.org/vs&_sort=-date'],
    ['patient-view', 'Observation?subject={{context.patientId}}&date=ge2020-01-01&date=lt2025-01-01'],
    ['patient-view', 'Practitioner/{{userPractitionerId}}'],
  ] as const)('%s: %s is clean', (hook, template) => {
    expect(lintPrefetchTemplate(hook, template)).toEqual([]);
  });

  it.each([
    ['order-select', 'MedicationRequest?_id={{context.selections}}', 'D-7'],
    ['order-select', 'Bundle/{{context.draftOrders}}', 'D-7'],
    ['order-sign', 'X?patient={{context.draftOrders}}', 'D-7'],
    ['patient-view', 'Patient/{{patient}}', 'D-6'],
    ['patient-view', 'Patient/{{context.patientId}', 'D-6'],
    ['patient-view', 'Observation?date=ge{{today() - 90 days}}', 'D-6'],
    ['patient-view', 'Practitioner/{{context.userId}}', 'D-9'],
    ['patient-view', 'Observation?patient={{context.patientId}}&sort:desc=date', 'D-8'],
    ['patient-view', 'Observation?subject.name=x', 'D-8'],
    ['patient-view', 'Observation?code:text=x', 'D-8'],
    ['patient-view', 'Observation?_include=Observation:subject', 'D-8'],
    ['patient-view', 'Observation?date=ne2020', 'D-8'],
    ['patient-view', 'observation?patient=1', 'D-8'],
    ['patient-view', 'Patient/1/_history/2', 'D-8'],
  ] as const)('%s: %s violates %s', (hook, template, rule) => {
    const problems = lintPrefetchTemplate(hook, template);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.startsWith(`${rule}:`))).toBe(true);
  });

  it('allows today() arithmetic when asked', () => {
    expect(lintPrefetchTemplate('patient-view', 'Observation?date=ge{{today() - 90 days}}', { allowToday: true })).toEqual([]);
  });
});
