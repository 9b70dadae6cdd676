/** prefetchTemplates: deterministic R4 queries generated from the mappings of the requested facts (snapshot). */
import { prefetchTemplates } from '../../src/mapping';
import { mappings } from './support';

it('all catalogue facts (snapshot)', () => {
  const templates = prefetchTemplates(mappings(), [...mappings().factDefinitions.keys()]);
  expect(templates).toMatchSnapshot();
  for (const url of Object.values(templates)) expect(url.length).toBeLessThan(2000);
  expect(Object.keys(templates)).toEqual([...Object.keys(templates)].sort());
  expect(templates['patient']).toBe('Patient/{{context.patientId}}');
  expect(templates['adverseEvent']).toBe('AdverseEvent?subject=Patient/{{context.patientId}}');
});

it('only the resource types and codes the facts need', () => {
  const templates = prefetchTemplates(mappings(), ['childPughClass']);
  expect(templates).toMatchSnapshot();
  expect(Object.keys(templates).sort()).toEqual(['condition', 'observation', 'patient']);
  expect(templates['observation']).toContain('http://loinc.org|1975-2');
  expect(templates['observation']).toContain('http://hcc-cds.org/fhir/CodeSystem/hcc-observation|ascites');
  expect(templates['observation']).not.toContain('1742-6');
});

it('is deterministic whatever the order of the names', () => {
  const names = [...mappings().factDefinitions.keys()];
  expect(prefetchTemplates(mappings(), [...names].reverse())).toEqual(prefetchTemplates(mappings(), names));
});

it('a baseline needs the medications that date the therapy start', () => {
  expect(Object.keys(prefetchTemplates(mappings(), ['altBaseline']))).toEqual(['medicationAdministration', 'medicationRequest', 'medicationStatement', 'observation', 'patient']);
});
