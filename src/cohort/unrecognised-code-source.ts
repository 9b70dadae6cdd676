/**
 * The one seam between the cohort report and the mapping layer's list of codings no mapping recognises
 * (issue 10, src/mapping/unrecognised-codes.ts). Until that module is part of the build, the finder is absent and
 * the report says so instead of showing an empty table.
 */
import type { FhirResource } from 'fhir/r4';
import type { PatientUnrecognisedCode } from './patient-outcome';

/** Lists the codings of one patient's resources that no mapping recognises. */
export type UnrecognisedCodeFinder = (resources: readonly FhirResource[]) => readonly PatientUnrecognisedCode[];

/** Why the table is absent when no finder is available. */
export const FINDER_UNAVAILABLE_NOTE = 'this build has no unrecognised-code finder (it comes with the site-profile work, src/mapping/unrecognised-codes.ts)';

/** The finder bound to the shipped mappings (and the site profile, when given), or undefined when not available. */
export function loadUnrecognisedCodeFinder(_options: { readonly siteProfileDir?: string }): UnrecognisedCodeFinder | undefined {
  return undefined;
}
