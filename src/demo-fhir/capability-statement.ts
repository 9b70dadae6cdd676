/**
 * The demo FHIR server's CapabilityStatement (FHIR R4 `GET [base]/metadata`): what it reads and searches,
 * so a CDS client such as the CDS Hooks sandbox recognises an R4 server (cds-hooks.md §5: it checks
 * fhirVersion).
 */
import type { CapabilityStatement, CapabilityStatementRestResourceSearchParam } from 'fhir/r4';
import { searchParameters } from '../fhir/memory-search';

/** The resource types the demo server reads and searches (what the service's prefetch templates ask for). */
export const SEARCHABLE_TYPES = [
  'Patient',
  'Observation',
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationAdministration',
  'Medication',
  'Procedure',
  'AdverseEvent',
  'DiagnosticReport',
  'ImagingStudy',
] as const;

const RESULT_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  { name: '_count', type: 'number' },
  { name: '_offset', type: 'number' },
  { name: '_sort', type: 'string' },
];

/** The search parameters of a type, as the in-memory search engine defines them (derived, never listed twice). */
function searchParams(type: string): CapabilityStatementRestResourceSearchParam[] {
  return [...[...searchParameters(type).values()].map((p) => ({ name: p.name, type: p.type })), ...RESULT_PARAMS];
}

/** Builds the CapabilityStatement for the given moment. */
export function capabilityStatement(now: Date): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString(),
    kind: 'instance',
    software: { name: 'hcc-cds demo FHIR server (synthetic scenario patients)' },
    implementation: { description: 'Read-only FHIR R4 server on loopback serving the hcc-cds scenario patients' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        resource: SEARCHABLE_TYPES.map((type) => ({
          type,
          interaction: [{ code: 'read' as const }, { code: 'search-type' as const }],
          searchParam: searchParams(type),
        })),
      },
    ],
  };
}
