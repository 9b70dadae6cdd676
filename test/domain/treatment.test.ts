/** Three-valued treatment facts and PT prolongation. */
import { ptProlongation } from '../../src/domain/derived/pt-prolongation';
import { daysSince, imagingRecency } from '../../src/domain/derived/days-since';
import { treatment } from '../../src/domain/derived/treatment';
import { known, unknown } from '../../src/domain/facts';
import { facts, show } from './support';

const NOW = new Date('2025-06-01T00:00:00Z');

it.each([
  [{ onIci: true, onTki: true, onAntiVegf: false }, true, true],
  [{ onIci: true, onTki: false, onAntiVegf: false }, false, false],
  [{ onIci: false, onTki: false, onAntiVegf: true }, true, false],
  [{ onIci: true, onAntiVegf: true }, true, true],
  [{ onIci: true, onTki: false }, 'Unknown:missing-inputs', 'Unknown:missing-inputs'],
])('%p → onTargeted %p, onTargetedImmune %p', (values, targeted, ti) => {
  const out = treatment(facts(values), NOW);
  expect([show(out.onTargeted), show(out.onTargetedImmune)]).toEqual([targeted, ti]);
});

it('an unidentifiable drug (unmappable-value) passes its reason on instead of missing-inputs', () => {
  const unidentified = unknown('unmappable-value', { detail: 'medication not identifiable', sources: ['MedicationRequest/x'] });
  const out = treatment(facts({ onIci: true, onTki: unidentified, onAntiVegf: false }), NOW);
  expect(out.onTargeted).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'medication not identifiable', missing: ['onTki'], sources: ['MedicationRequest/x'] });
  expect(out.onTargetedImmune).toMatchObject({ known: false, reason: 'unmappable-value', missing: ['onTargeted'] });
  expect(show(treatment(facts({ onIci: unidentified, onTki: true }), NOW).onTargeted)).toBe(true);
  expect(show(treatment(facts({ onIci: false, onTki: unidentified }), NOW).onTargetedImmune)).toBe(false);
});

it('treatmentNaive and daysSinceLastHaic', () => {
  expect(show(treatment(facts({ everSystemicTherapy: false, everLocalTherapy: false }), NOW).treatmentNaive)).toBe(true);
  expect(show(treatment(facts({ everSystemicTherapy: false, everLocalTherapy: true }), NOW).treatmentNaive)).toBe(false);
  expect(show(treatment(facts({ everSystemicTherapy: false }), NOW).treatmentNaive)).toBe('Unknown:missing-inputs');
  expect(show(treatment(facts({ lastHaicDate: '2025-05-18' }), NOW).daysSinceLastHaic)).toBe(14);
  expect(show(treatment(facts({}), NOW).daysSinceLastHaic)).toBe('Unknown:no-data');
});

it('PT prolongation = PT − control, same day only', () => {
  expect(show(ptProlongation(facts({ ptSeconds: 16.5, ptControlSeconds: 12 })).ptProlongation)).toBe(4.5);
  const other = known(12, { effective: '2025-04-01', sources: ['Observation/c'] });
  expect(show(ptProlongation(facts({ ptSeconds: 16.5, ptControlSeconds: other })).ptProlongation)).toBe('Unknown:conflicting');
  expect(ptProlongation(facts({ ptSeconds: 16.5 })).ptProlongation).toMatchObject({ known: false, missing: ['ptControlSeconds'] });
});

it('days since a date fact: whole days, Unknown no-data without it, data-error when unparsable', () => {
  expect(show(imagingRecency(facts({ contrastImagingDate: '2025-04-01' }), NOW).daysSinceContrastImaging)).toBe(61);
  expect(show(daysSince(facts({ contrastImagingDate: '2025-05-31T23:59:59Z' }), 'contrastImagingDate', NOW))).toBe(0);
  expect(imagingRecency(facts({}), NOW).daysSinceContrastImaging).toMatchObject({ known: false, reason: 'no-data', missing: ['contrastImagingDate'] });
  expect(show(daysSince(facts({ contrastImagingDate: 'soon' }), 'contrastImagingDate', NOW))).toBe('Unknown:data-error');
});
