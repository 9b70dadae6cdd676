/** bodyWeight (LOINC 29463-7, kg) and contrastImagingDate / daysSinceContrastImaging (hcc-service#contrast-imaging-liver). */
import { extractFacts, type FhirResource } from '../../src/mapping';
import { fact, factsOf, mappings, NOW, reasonOf, valueOf } from './support';

const patient = { resourceType: 'Patient', id: 'p1' };
const subject = { reference: 'Patient/p1' };
const contrast = { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-service', code: 'contrast-imaging-liver' }] };
const run = (resources: unknown[], now = NOW) => extractFacts(mappings(), [patient, ...resources] as unknown as FhirResource[], { patientId: 'p1', now });

it('body-weight-converted-from-lb: the latest final weight, pounds converted to kg (UCUM [lb_av])', () => {
  const set = factsOf('body-weight-converted-from-lb');
  expect(fact(set, 'bodyWeight')).toMatchObject({ known: true, value: 69.85322498, unit: 'kg', effective: '2025-05-20T09:30:00+08:00', sources: ['Observation/w-lb'] });
});

it('bodyWeight is Unknown (stale) after 30 days, no-data after 365, unmappable-unit for a non-mass unit', () => {
  const weight = (date: string, value: number, code: string) => ({
    resourceType: 'Observation', id: `w-${date}`, status: 'final', subject, effectiveDateTime: date,
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, valueQuantity: { value, unit: code, system: 'http://unitsofmeasure.org', code },
  });
  expect(run([weight('2025-05-02', 70, 'kg')]).facts['bodyWeight']).toMatchObject({ known: true, value: 70 });
  expect(run([weight('2025-04-30', 70, 'kg')]).facts['bodyWeight']).toMatchObject({ known: false, reason: 'stale' });
  expect(run([weight('2024-05-30', 70, 'kg')]).facts['bodyWeight']).toMatchObject({ known: false, reason: 'no-data' });
  expect(run([weight('2025-05-20', 70000, 'g')]).facts['bodyWeight']).toMatchObject({ known: true, value: 70, unit: 'kg' });
  expect(run([weight('2025-05-20', 170, 'cm')]).facts['bodyWeight']).toMatchObject({ known: false, reason: 'unmappable-unit' });
});

it('contrast-imaging-from-report-study-procedure: the newest of Procedure / ImagingStudy / DiagnosticReport, final statuses only', () => {
  const set = factsOf('contrast-imaging-from-report-study-procedure');
  expect(fact(set, 'contrastImagingDate')).toMatchObject({ known: true, value: '2025-05-10', sources: ['DiagnosticReport/ct-report'] });
  expect(fact(set, 'daysSinceContrastImaging')).toMatchObject({ known: true, value: 22, effective: '2025-05-10', derived: { from: ['contrastImagingDate'], method: 'days-to-now' } });
});

it('contrastImagingDate from an ImagingStudy (procedureCode) alone, and from a Procedure alone', () => {
  const study = { resourceType: 'ImagingStudy', id: 's', status: 'available', subject, started: '2025-05-15T10:00:00Z', procedureCode: [{ text: 'MRI' }, contrast] };
  expect(valueOf(run([study]), 'contrastImagingDate')).toBe('2025-05-15T10:00:00Z');
  expect(valueOf(run([study]), 'daysSinceContrastImaging')).toBe(16);
  expect(reasonOf(run([{ ...study, status: 'registered' }]), 'contrastImagingDate')).toBe('no-data');
  const procedure = { resourceType: 'Procedure', id: 'p', status: 'completed', subject, code: contrast, performedPeriod: { start: '2025-01-01', end: '2025-01-02' } };
  expect(valueOf(run([procedure]), 'contrastImagingDate')).toBe('2025-01-02');
  expect(valueOf(run([procedure]), 'daysSinceContrastImaging')).toBe(150);
});

it('no contrast imaging on record: both Unknown (no-data), daysSinceContrastImaging naming its missing input', () => {
  const set = run([{ resourceType: 'Procedure', id: 'tace', status: 'completed', subject, code: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-procedure', code: 'tace' }] }, performedDateTime: '2025-05-01' }]);
  expect(reasonOf(set, 'contrastImagingDate')).toBe('no-data');
  expect(set.facts['daysSinceContrastImaging']).toMatchObject({ known: false, reason: 'no-data', missing: ['contrastImagingDate'] });
});
