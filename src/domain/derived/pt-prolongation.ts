/** Prothrombin time prolongation over control (Child-Pugh input, clinical.md §4.1). */
import { known, unknown, type Fact } from '../facts';
import { effectiveOf, fmt, num, sourcesOf } from './fact-helpers';
import { allFinite, nonFinite } from './finite';
import type { FactLookup } from './types';

/** PT minus control, only when both were measured the same day; Unknown otherwise. */
export function ptProlongation(get: FactLookup): { ptProlongation: Fact } {
  const pt = get('ptSeconds');
  const control = get('ptControlSeconds');
  const p = num(pt);
  const c = num(control);
  const [pd, cd] = effectiveOf([pt, control]);
  if (p === undefined || c === undefined) {
    const missing = [p === undefined ? 'ptSeconds' : undefined, c === undefined ? 'ptControlSeconds' : undefined].filter((x): x is string => x !== undefined);
    return { ptProlongation: unknown('missing-inputs', { missing, detail: 'PT prolongation needs the patient and control prothrombin times' }) };
  }
  if (pd === undefined || cd === undefined || pd.slice(0, 10) !== cd.slice(0, 10)) {
    return { ptProlongation: unknown('conflicting', { detail: 'patient and control prothrombin times are not from the same day', sources: sourcesOf([pt, control]) }) };
  }
  const prolongation = Math.round((p - c) * 100) / 100;
  if (!allFinite(p - c, prolongation)) return { ptProlongation: nonFinite(sourcesOf([pt, control])) };
  return {
    ptProlongation: known(prolongation, {
      unit: 's',
      effective: pd,
      sources: sourcesOf([pt, control]),
      derived: { from: ['ptSeconds', 'ptControlSeconds'], method: 'pt-minus-control', detail: `PT ${fmt(p)} s − control ${fmt(c)} s` },
    }),
  };
}
