/**
 * Timing of past treatment events (issue 9): days since the last resection and the last radiotherapy, and whether
 * systemic therapy came before the resection (a conversion resection, seed §1.3 "转化治疗后的切除手术").
 */
import { isKnown, known, unknown, type Fact } from '../facts';
import { daysSince } from './days-since';
import type { FactLookup } from './types';

/** daysSinceResection, daysSinceRadiotherapy, systemicBeforeResection. */
export function eventTiming(get: FactLookup, now: Date): Record<'daysSinceResection' | 'daysSinceRadiotherapy' | 'systemicBeforeResection', Fact> {
  const resection = get('resectionDate');
  const first = get('firstSystemicTherapyDate');
  const everSystemic = get('everSystemicTherapy');
  let systemicBeforeResection: Fact;
  const resectionMs = isKnown(resection) ? Date.parse(String(resection.value).slice(0, 10)) : NaN;
  const firstMs = isKnown(first) ? Date.parse(String(first.value).slice(0, 10)) : NaN;
  const sources = [...(resection.sources ?? []), ...(first.sources ?? [])];
  if (!Number.isFinite(resectionMs)) systemicBeforeResection = unknown('missing-inputs', { missing: ['resectionDate'] });
  else if (isKnown(everSystemic) && everSystemic.value === false) {
    systemicBeforeResection = known(false, { sources: resection.sources ?? [], derived: { from: ['resectionDate', 'everSystemicTherapy'], method: 'no-systemic-therapy' } });
  } else if (!Number.isFinite(firstMs)) systemicBeforeResection = unknown('missing-inputs', { missing: ['firstSystemicTherapyDate'] });
  else {
    systemicBeforeResection = known(firstMs < resectionMs, {
      sources,
      derived: { from: ['firstSystemicTherapyDate', 'resectionDate'], method: 'systemic-before-resection', detail: `first systemic therapy ${String(first.known ? first.value : '')}, resection ${String(resection.known ? resection.value : '')}` },
    });
  }
  return { daysSinceResection: daysSince(get, 'resectionDate', now), daysSinceRadiotherapy: daysSince(get, 'lastRadiotherapyDate', now), systemicBeforeResection };
}
