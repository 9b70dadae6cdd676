/** FHIR fixtures of test/fixtures/fhir moved to today: they are dated around 2025-06-01, and stale results no longer fire cards. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import { projectRoot } from '../../src/config/project-root';
import { daysBetween, shiftDates } from '../../src/demo-fhir/shift-dates';

/** The moment the fixtures of test/fixtures/fhir were written for. */
export const FIXTURE_MOMENT = new Date('2025-06-01T00:00:00Z');

/** The resources of test/fixtures/fhir/<file>, every date shifted so the fixture's moment is now. */
export function currentFixtureResources(file: string, now: Date = new Date()): FhirResource[] {
  const bundle = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'fhir', file), 'utf8')) as Bundle;
  const shifted = shiftDates(bundle, daysBetween(FIXTURE_MOMENT, now));
  return (shifted.entry ?? []).map((e) => e.resource as FhirResource);
}
