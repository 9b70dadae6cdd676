/**
 * CNLC stage (clinical.md §3.1): the deterministic algorithm — (1) ECOG ≥ 3 or Child-Pugh C → IV; (2) extrahepatic
 * (including nodal) metastasis → IIIb; (3) macrovascular invasion → IIIa; (4) tumour count and largest diameter →
 * Ia / Ib / IIa / IIb. A recorded stage stands only while no input newer than it contradicts it (as the recorded
 * Child-Pugh score stands only while newer than its inputs): a newer extrahepatic metastasis, macrovascular invasion,
 * Child-Pugh, ECOG or tumour burden that contradicts it makes the stage the derived one, or Unknown (conflicting) when
 * it cannot be derived; both are reported as data issues. A derived stage that differs only through data older than
 * the recorded stage does not replace it.
 * Cut-offs come from scores/cnlc.yaml.
 */
import { isKnown, known, unknown, type Fact } from '../facts';
import { bandFor, latestDate } from './bands';
import { bool, effectiveOf, fmt, num, sourcesOf, str } from './fact-helpers';
import type { FactLookup } from './types';

/** The CNLC table (fhir-mappings/scores/cnlc.yaml). */
export interface CnlcTable {
  readonly edition: string;
  readonly stageIv: { readonly stage: string; readonly ecogAtLeast: number; readonly childPughClasses: readonly string[] };
  readonly extrahepatic: { readonly stage: string };
  readonly macrovascular: { readonly stage: string; readonly presentValues: readonly string[]; readonly absentValues: readonly string[] };
  readonly diameterUnit: string;
  readonly burden: readonly {
    readonly stage: string;
    readonly countMin: number;
    readonly countMax?: number;
    readonly diameter?: { readonly gt?: number; readonly gte?: number; readonly lt?: number; readonly lte?: number };
  }[];
}

/** Receives a data problem found while staging (a recorded stage contradicted by newer data). */
export type StageConflictReport = (message: string, location?: string) => void;

const INPUTS = ['ecog', 'childPughClass', 'extrahepaticMetastasis', 'lymphNodeMetastasis', 'macrovascularInvasion', 'tumorCount', 'maxTumorDiameter'] as const;

function msOf(fact: Fact): number | undefined {
  const ms = isKnown(fact) && fact.effective !== undefined ? Date.parse(fact.effective) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** What a newer input says against the recorded stage, or undefined when it does not contradict it. */
function contradiction(stage: string, derivedStage: string | undefined, newer: ReadonlyMap<string, Fact>, get: FactLookup, table: CnlcTable): string | undefined {
  const ecog = num(get('ecog'));
  const cp = str(get('childPughClass'));
  const eh = bool(get('extrahepaticMetastasis'));
  const ln = bool(get('lymphNodeMetastasis'));
  const mvi = str(get('macrovascularInvasion'));
  const isIv = stage === table.stageIv.stage;
  const isIIIb = stage === table.extrahepatic.stage;
  const isIIIa = stage === table.macrovascular.stage;
  const burden = new Set(table.burden.map((b) => b.stage));
  if (newer.has('ecog') && ecog !== undefined && ecog >= table.stageIv.ecogAtLeast && !isIv) return `ECOG ${ecog}`;
  if (newer.has('childPughClass') && cp !== undefined && table.stageIv.childPughClasses.includes(cp) && !isIv) return `Child-Pugh ${cp}`;
  if (isIv && (newer.has('ecog') || newer.has('childPughClass')) && ecog !== undefined && ecog < table.stageIv.ecogAtLeast && cp !== undefined && !table.stageIv.childPughClasses.includes(cp)) {
    return `ECOG ${ecog} and Child-Pugh ${cp}`;
  }
  if (newer.has('extrahepaticMetastasis') && eh === true && !isIv && !isIIIb) return 'extrahepatic metastasis';
  if (newer.has('lymphNodeMetastasis') && ln === true && !isIv && !isIIIb) return 'lymph-node metastasis';
  if (isIIIb && (newer.has('extrahepaticMetastasis') || newer.has('lymphNodeMetastasis')) && eh === false && ln === false) return 'no extrahepatic or nodal metastasis';
  if (newer.has('macrovascularInvasion') && mvi !== undefined && table.macrovascular.presentValues.includes(mvi) && burden.has(stage)) return `macrovascular invasion (${mvi})`;
  if (newer.has('macrovascularInvasion') && mvi !== undefined && table.macrovascular.absentValues.includes(mvi) && isIIIa) return 'no macrovascular invasion';
  if (derivedStage !== undefined && derivedStage !== stage && burden.has(stage) && burden.has(derivedStage) && (newer.has('tumorCount') || newer.has('maxTumorDiameter'))) {
    return `tumour burden (stage ${derivedStage})`;
  }
  return undefined;
}

/** Computes cnlcStage (recorded while current, else derived; see the file comment). */
export function cnlcStage(get: FactLookup, table: CnlcTable, report: StageConflictReport = () => undefined): { cnlcStage: Fact } {
  const derived = deriveStage(get, table);
  const recorded = get('cnlcStageRecorded');
  if (!isKnown(recorded)) return { cnlcStage: derived };
  const recordedMs = msOf(recorded);
  const newer = new Map<string, Fact>();
  for (const name of INPUTS) {
    const fact = get(name);
    const ms = msOf(fact);
    if (ms !== undefined && (recordedMs === undefined || ms > recordedMs)) newer.set(name, fact);
  }
  if (newer.size === 0) return { cnlcStage: recorded };
  const stage = String(recorded.value);
  const when = recorded.effective === undefined ? 'undated' : recorded.effective.slice(0, 10);
  const newerNames = [...newer.keys()].join(', ');
  const derivedStage = isKnown(derived) ? String(derived.value) : undefined;
  if (derivedStage === stage) return { cnlcStage: recorded };
  const against = contradiction(stage, derivedStage, newer, get, table);
  if (against === undefined) return { cnlcStage: recorded };
  if (isKnown(derived)) {
    report(`recorded CNLC stage ${stage} (${when}) is contradicted by newer data (${against}; newer: ${newerNames}), which give stage ${String(derivedStage)}; the derived stage is used`, recorded.sources[0]);
    const detail = derived.derived?.detail ?? '';
    return { cnlcStage: { ...derived, derived: { from: derived.derived?.from ?? [], method: derived.derived?.method ?? 'cnlc', detail: `${detail} (replaces the recorded stage ${stage} of ${when})` } } };
  }
  const message = `recorded CNLC stage ${stage} (${when}) is contradicted by newer data (${against}) and the stage cannot be derived`;
  report(message, recorded.sources[0]);
  return { cnlcStage: unknown('conflicting', { detail: message, sources: [...recorded.sources, ...sourcesOf([...newer.values()])] }) };
}

function deriveStage(get: FactLookup, table: CnlcTable): Fact {
  const used: { name: string; fact: Fact }[] = [];
  const steps: string[] = [];
  const done = (stage: string): Fact => {
    const facts = used.map((u) => u.fact);
    const effective = latestDate(effectiveOf(facts));
    return known(stage, {
      ...(effective === undefined ? {} : { effective }),
      sources: sourcesOf(facts),
      derived: { from: used.map((u) => u.name), method: `cnlc-${table.edition}`, detail: `${steps.join('; ')} → ${stage}` },
    });
  };
  const notDerivable = (missing: string[], why: string): Fact =>
    unknown('missing-inputs', { missing, detail: `CNLC stage not recorded and not derivable: ${why}${steps.length > 0 ? ` (so far: ${steps.join('; ')})` : ''}` });

  // Step 1: PS 3-4 or Child-Pugh C → IV.
  const ecogFact = get('ecog');
  const cpFact = get('childPughClass');
  const ecog = num(ecogFact);
  const cp = str(cpFact);
  if (ecog !== undefined && ecog >= table.stageIv.ecogAtLeast) {
    used.push({ name: 'ecog', fact: ecogFact });
    steps.push(`ECOG ${ecog}`);
    return done(table.stageIv.stage);
  }
  if (cp !== undefined && table.stageIv.childPughClasses.includes(cp)) {
    used.push({ name: 'childPughClass', fact: cpFact });
    steps.push(`Child-Pugh ${cp}`);
    return done(table.stageIv.stage);
  }
  if (ecog === undefined || cp === undefined) {
    const missing = [ecog === undefined ? 'ecog' : undefined, cp === undefined ? 'childPughClass' : undefined].filter((x): x is string => x !== undefined);
    return notDerivable(missing, 'stage IV cannot be excluded');
  }
  used.push({ name: 'ecog', fact: ecogFact }, { name: 'childPughClass', fact: cpFact });
  steps.push(`ECOG ${ecog}, Child-Pugh ${cp}`);

  // Step 2: extrahepatic (including nodal) metastasis → IIIb.
  const ehFact = get('extrahepaticMetastasis');
  const lnFact = get('lymphNodeMetastasis');
  const eh = bool(ehFact);
  const ln = bool(lnFact);
  if (eh === true || ln === true) {
    used.push(eh === true ? { name: 'extrahepaticMetastasis', fact: ehFact } : { name: 'lymphNodeMetastasis', fact: lnFact });
    steps.push(eh === true ? 'extrahepatic metastasis' : 'lymph-node metastasis');
    return done(table.extrahepatic.stage);
  }
  if (eh === undefined) return notDerivable(['extrahepaticMetastasis'], 'extrahepatic spread unknown');
  used.push({ name: 'extrahepaticMetastasis', fact: ehFact });
  steps.push('no extrahepatic metastasis');

  // Step 3: macrovascular invasion → IIIa.
  const mviFact = get('macrovascularInvasion');
  const mvi = str(mviFact);
  if (mvi !== undefined && table.macrovascular.presentValues.includes(mvi)) {
    used.push({ name: 'macrovascularInvasion', fact: mviFact });
    steps.push(`macrovascular invasion (${mvi})`);
    return done(table.macrovascular.stage);
  }
  if (mvi === undefined || !table.macrovascular.absentValues.includes(mvi)) return notDerivable(['macrovascularInvasion'], 'macrovascular invasion unknown');
  used.push({ name: 'macrovascularInvasion', fact: mviFact });
  steps.push('no macrovascular invasion');

  // Step 4: tumour burden.
  const countFact = get('tumorCount');
  const diameterFact = get('maxTumorDiameter');
  const count = num(countFact);
  const diameter = num(diameterFact);
  if (count === undefined) return notDerivable(['tumorCount'], 'tumour count unknown');
  for (const rule of table.burden) {
    if (count < rule.countMin || (rule.countMax !== undefined && count > rule.countMax)) continue;
    if (rule.diameter === undefined) {
      used.push({ name: 'tumorCount', fact: countFact });
      steps.push(`${count} tumours`);
      return done(rule.stage);
    }
    if (diameter === undefined) return notDerivable(['maxTumorDiameter'], 'largest tumour diameter unknown');
    if (bandFor([{ result: 1, ...rule.diameter }], diameter) !== undefined) {
      used.push({ name: 'tumorCount', fact: countFact }, { name: 'maxTumorDiameter', fact: diameterFact });
      steps.push(`${count} tumour${count === 1 ? '' : 's'}, largest ${fmt(diameter)} ${table.diameterUnit}`);
      return done(rule.stage);
    }
  }
  return notDerivable(count < 1 ? ['tumorCount'] : ['maxTumorDiameter'], `no stage rule matches ${count} tumour(s)`);
}
