/**
 * Stage: compile derived-facts.yaml — calculators in order, their inputs (facts computed before them), score tables
 * (validated against their schema) whose units must be the canonical units of the facts they read.
 */
import { CALCULATOR_IDS } from '../calculators';
import type { CompiledCalculator, CompiledMappedFact } from '../compiled';
import type { FactType } from '../types';
import { checkUnit } from './compile-facts';
import type { CompileContext } from './context';
import type { GatheredMappings } from './gather';
import type { RawDerived } from './raw-types';

/** Schemas a score table can have (its file's base name). */
const TABLE_SCHEMAS: readonly string[] = ['child-pugh', 'albi', 'ctcae-v5', 'cnlc'];

/** One derived fact's definition, with the inputs of its calculator. */
export type DerivedDefinition = { name: string; type: FactType; unit?: string; codes?: string[]; description: string; inputs: string[] };

/** The calculators and the definitions of the facts they produce. */
export interface CompiledDerived {
  readonly calculators: readonly CompiledCalculator[];
  readonly definitions: ReadonlyMap<string, DerivedDefinition>;
}

function checkTableUnits(ctx: CompileContext, calc: CompiledCalculator, unitOf: (name: string) => string | undefined): void {
  const t = calc.table as Record<string, unknown> | undefined;
  if (t === undefined) return;
  const expect = (fact: string, unit: unknown, where: string): void => {
    if (typeof unit === 'string' && unitOf(fact) !== undefined && unitOf(fact) !== unit) ctx.problems.add(where, `unit '${unit}' differs from ${fact}'s canonical unit '${unitOf(fact) ?? ''}'`);
  };
  if (calc.id === 'child-pugh') {
    const params = (t['parameters'] ?? {}) as Record<string, { unit?: string }>;
    for (const [fact, p] of Object.entries(params)) expect(fact, p.unit, `scores/child-pugh.yaml ${fact}`);
  }
  if (calc.id === 'albi') {
    expect('totalBilirubin', t['bilirubinUnit'], 'scores/albi.yaml');
    expect('albumin', t['albuminUnit'], 'scores/albi.yaml');
  }
  if (calc.id === 'cnlc-stage') expect('maxTumorDiameter', t['diameterUnit'], 'scores/cnlc.yaml');
  if (calc.id === 'ctcae') {
    const terms = (t['terms'] ?? {}) as Record<string, { value: string; baseline?: string; limit?: string; columns: { unit?: string }[] }>;
    for (const [grade, term] of Object.entries(terms)) {
      if (!calc.produces.includes(grade)) ctx.problems.add('scores/ctcae-v5.yaml', `term '${grade}' is not produced by the ctcae calculator`);
      for (const f of [term.value, term.baseline, term.limit]) if (f !== undefined && !calc.inputs.includes(f)) ctx.problems.add('scores/ctcae-v5.yaml', `'${f}' is not an input of the ctcae calculator`);
      for (const col of term.columns) expect(term.value, col.unit, `scores/ctcae-v5.yaml ${grade}`);
    }
    for (const grade of calc.produces) if (terms[grade] === undefined) ctx.problems.add('scores/ctcae-v5.yaml', `no term for '${grade}'`);
  }
}

/** Compiles the calculators over the mapped facts; `labGradeFacts` (config.yaml) must be among their products. */
export function compileDerived(ctx: CompileContext, gathered: GatheredMappings, mapped: ReadonlyMap<string, CompiledMappedFact>, labGradeFacts: readonly string[], configFile: string): CompiledDerived {
  const raw = gathered.derived.data as RawDerived | undefined;
  const calculators: CompiledCalculator[] = [];
  const definitions = new Map<string, DerivedDefinition>();
  if (raw !== undefined) {
    const available = new Set(mapped.keys());
    for (const calc of raw.calculators) {
      const where = `${gathered.derived.file} ${calc.id}`;
      if (!CALCULATOR_IDS.includes(calc.id)) ctx.problems.add(where, `unknown calculator '${calc.id}' (known: ${CALCULATOR_IDS.join(', ')})`);
      for (const input of calc.inputs) if (!available.has(input)) ctx.problems.add(where, `input '${input}' is not a fact computed before this calculator`);
      let table: unknown;
      if (calc.table !== undefined) {
        const doc = gathered.tables.get(calc.table);
        table = doc?.data;
        if (doc !== undefined && !TABLE_SCHEMAS.includes(doc.schema)) ctx.problems.add(where, `no schema for score table '${calc.table}'`);
      }
      for (const p of calc.produces) {
        if (available.has(p.name)) ctx.problems.add(where, `fact '${p.name}' is already defined`);
        checkUnit(ctx, p.unit, where);
        available.add(p.name);
        definitions.set(p.name, { ...p, inputs: calc.inputs });
      }
      calculators.push({ id: calc.id, inputs: calc.inputs, produces: calc.produces.map((p) => p.name), ...(table === undefined ? {} : { table }) });
    }
  }
  for (const f of labGradeFacts) if (!definitions.has(f)) ctx.problems.add(configFile, `adverseEvents.labGradeFacts: unknown fact '${f}'`);
  const unitOf = (name: string): string | undefined => mapped.get(name)?.unit ?? definitions.get(name)?.unit;
  for (const calc of calculators) checkTableUnits(ctx, calc, unitOf);
  return { calculators, definitions };
}
