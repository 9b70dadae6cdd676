/**
 * CNLC stage (clinical.md §3.1): a recorded stage wins; otherwise the deterministic algorithm — (1) ECOG ≥ 3 or
 * Child-Pugh C → IV; (2) extrahepatic (including nodal) metastasis → IIIb; (3) macrovascular invasion → IIIa;
 * (4) tumour count and largest diameter → Ia / Ib / IIa / IIb. Cut-offs come from scores/cnlc.yaml.
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

/** Computes cnlcStage. */
export function cnlcStage(get: FactLookup, table: CnlcTable): { cnlcStage: Fact } {
  const recorded = get('cnlcStageRecorded');
  if (isKnown(recorded)) return { cnlcStage: recorded };

  const used: { name: string; fact: Fact }[] = [];
  const steps: string[] = [];
  const done = (stage: string): { cnlcStage: Fact } => {
    const facts = used.map((u) => u.fact);
    const effective = latestDate(effectiveOf(facts));
    return {
      cnlcStage: known(stage, {
        ...(effective === undefined ? {} : { effective }),
        sources: sourcesOf(facts),
        derived: { from: used.map((u) => u.name), method: `cnlc-${table.edition}`, detail: `${steps.join('; ')} → ${stage}` },
      }),
    };
  };
  const notDerivable = (missing: string[], why: string): { cnlcStage: Fact } => ({
    cnlcStage: unknown('missing-inputs', { missing, detail: `CNLC stage not recorded and not derivable: ${why}${steps.length > 0 ? ` (so far: ${steps.join('; ')})` : ''}` }),
  });

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
