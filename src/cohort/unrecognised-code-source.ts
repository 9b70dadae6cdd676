/**
 * The one seam between the cohort report and the mapping layer's list of codings no mapping recognises
 * (src/mapping/unrecognised-codes.ts): the finder is bound once per thread to the shipped mappings, overlaid with
 * the site profile when one is given, so the table lists what that site still has to map.
 */
import type { FhirResource } from 'fhir/r4';
import { loadMappings } from '../mapping/load-mappings';
import { listUnrecognisedCodes } from '../mapping/unrecognised-codes';
import type { PatientUnrecognisedCode } from './patient-outcome';

/** Lists the codings of one patient's resources that no mapping recognises. */
export type UnrecognisedCodeFinder = (resources: readonly FhirResource[]) => readonly PatientUnrecognisedCode[];

/** Why the table is absent when no finder is available. */
export const FINDER_UNAVAILABLE_NOTE = 'this build has no unrecognised-code finder';

/** The finder bound to the shipped mappings (and the site profile, when given). */
export function loadUnrecognisedCodeFinder(options: { readonly siteProfileDir?: string }): UnrecognisedCodeFinder | undefined {
  const mappings = loadMappings(undefined, options.siteProfileDir !== undefined ? { siteProfile: options.siteProfileDir } : {});
  return (resources) => listUnrecognisedCodes(mappings, resources);
}
