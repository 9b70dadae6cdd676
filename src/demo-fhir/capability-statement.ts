/**
 * The demo FHIR server's CapabilityStatement (FHIR R4 `GET [base]/metadata`): what it reads and searches,
 * so a CDS client such as the CDS Hooks sandbox recognises an R4 server (cds-hooks.md §5: it checks
 * fhirVersion).
 */
import type { CapabilityStatement } from 'fhir/r4';
import { SEARCHABLE_TYPES } from './search';

const COMMON_PARAMS = [
  { name: '_id', type: 'token' as const },
  { name: '_count', type: 'number' as const },
  { name: '_sort', type: 'string' as const },
];

const PARAMS: Readonly<Record<string, readonly { name: string; type: 'token' | 'reference' | 'date' | 'string' | 'number' }[]>> = {
  Patient: [
    { name: 'name', type: 'string' },
    { name: 'family', type: 'string' },
    { name: 'given', type: 'string' },
    { name: 'gender', type: 'token' },
    { name: 'birthdate', type: 'date' },
    { name: 'identifier', type: 'token' },
  ],
  Observation: [{ name: 'code', type: 'token' }, { name: 'category', type: 'token' }, { name: 'status', type: 'token' }, { name: 'date', type: 'date' }],
  Condition: [{ name: 'code', type: 'token' }, { name: 'clinical-status', type: 'token' }, { name: 'verification-status', type: 'token' }, { name: 'category', type: 'token' }, { name: 'onset-date', type: 'date' }],
  MedicationRequest: [{ name: 'code', type: 'token' }, { name: 'status', type: 'token' }, { name: 'intent', type: 'token' }, { name: 'authoredon', type: 'date' }],
  MedicationStatement: [{ name: 'code', type: 'token' }, { name: 'status', type: 'token' }, { name: 'effective', type: 'date' }],
  Procedure: [{ name: 'code', type: 'token' }, { name: 'status', type: 'token' }, { name: 'date', type: 'date' }],
  AdverseEvent: [{ name: 'event', type: 'token' }, { name: 'actuality', type: 'token' }, { name: 'date', type: 'date' }],
};

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
          searchParam: [
            ...COMMON_PARAMS,
            ...(type === 'Patient' ? [] : [{ name: 'patient', type: 'reference' as const }, { name: 'subject', type: 'reference' as const }]),
            ...(PARAMS[type] ?? []),
          ],
        })),
      },
    ],
  };
}
