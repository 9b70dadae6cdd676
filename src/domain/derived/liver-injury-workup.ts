/**
 * Liver-injury work-up (seed §1.1 "在除外肝内肿瘤进展、病毒性肝炎活动以及梗阻性黄疸等所致肝功能损害外"; the liver-injury work-up and "unclear cause" recommendations):
 * whether each cause of liver injury has been looked for since the injury. A finding that the cause is present
 * counts whatever its date; a finding that it is absent counts only when dated on or after the day of the liver
 * tests that show the injury (the onset as far as the record shows it), else the exclusion is Unknown (stale).
 */
import { isKnown, known, unknown, type Fact } from '../facts';
import { bool, num, str } from './fact-helpers';
import type { FactLookup } from './types';

/** The response category of progression (RECIST 1.1 / mRECIST), as in response.ts. */
const PROGRESSION = 'PD';

type Out = Record<'obstructiveJaundiceCurrent' | 'viralHepatitisActiveCurrent' | 'tumourProgressionCurrent', Fact>;

function dayOf(date: string | undefined): number | undefined {
  if (date === undefined) return undefined;
  const ms = Date.parse(date.slice(0, 10));
  return Number.isFinite(ms) ? ms : undefined;
}

/** One cause: present (true, any date), absent since onset (false), or Unknown. */
function cause(name: string, finding: Fact, present: boolean | undefined, date: string | undefined, onsetDay: number | undefined, onsetDate: string | undefined): Fact {
  if (!isKnown(finding) || present === undefined) return unknown(isKnown(finding) ? 'unmappable-value' : finding.reason === 'stale' ? 'stale' : 'missing-inputs', { missing: [name], ...(finding.sources === undefined ? {} : { sources: finding.sources }) });
  const base = { ...(date === undefined ? {} : { effective: date }), sources: finding.sources };
  if (present) return known(true, { ...base, derived: { from: [name], method: 'cause-present' } });
  const day = dayOf(date);
  if (onsetDay === undefined || day === undefined) return unknown('missing-inputs', { missing: [name, 'liverInjuryGrade'], detail: 'the date of the liver injury or of the exclusion is unknown', sources: finding.sources });
  if (day < onsetDay) {
    return unknown('stale', { missing: [name], sources: finding.sources, detail: `excluded on ${String(date).slice(0, 10)}, before the liver injury of ${String(onsetDate).slice(0, 10)}` });
  }
  return known(false, { ...base, derived: { from: [name, 'liverInjuryGrade'], method: 'cause-excluded-since-onset', detail: `excluded on ${String(date).slice(0, 10)}, on or after the liver injury of ${String(onsetDate).slice(0, 10)}` } });
}

/** obstructiveJaundiceCurrent, viralHepatitisActiveCurrent, tumourProgressionCurrent (see the file comment). */
export function liverInjuryWorkup(get: FactLookup): Out {
  const injury = get('liverInjuryGrade');
  const grade = num(injury);
  if (!isKnown(injury) || grade === undefined || grade < 1) {
    const none = unknown('missing-inputs', { missing: ['liverInjuryGrade'], detail: 'no liver injury on record to work up' });
    return { obstructiveJaundiceCurrent: none, viralHepatitisActiveCurrent: none, tumourProgressionCurrent: none };
  }
  const onsetDay = dayOf(injury.effective);
  const jaundice = get('obstructiveJaundice');
  const viral = get('viralHepatitisActive');
  const response = get('latestResponse');
  const responseDate = get('latestResponseDate');
  const responseCode = str(response);
  return {
    obstructiveJaundiceCurrent: cause('obstructiveJaundice', jaundice, bool(jaundice), isKnown(jaundice) ? jaundice.effective : undefined, onsetDay, injury.effective),
    viralHepatitisActiveCurrent: cause('viralHepatitisActive', viral, bool(viral), isKnown(viral) ? viral.effective : undefined, onsetDay, injury.effective),
    tumourProgressionCurrent: cause(
      'latestResponse',
      response,
      responseCode === undefined ? undefined : responseCode === PROGRESSION,
      isKnown(responseDate) ? String(responseDate.value) : isKnown(response) ? response.effective : undefined,
      onsetDay,
      injury.effective,
    ),
  };
}
