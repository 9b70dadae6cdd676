/** Stage: compile config.yaml — default date paths per resource type, progression and adverse-event settings, order value sets. */
import type { CompiledPath } from '../fhirpath-compiled';
import type { MappingConfig } from '../compiled';
import type { CompileContext } from './context';
import type { MappingDoc } from './gather';
import type { RawConfig } from './raw-types';

/** The compiled config (undefined when missing or invalid) and the lab-grade facts to check once derived facts are known. */
export interface CompiledConfigStage {
  readonly config?: MappingConfig;
  readonly labGradeFacts: readonly string[];
}

/** Compiles config.yaml. */
export function compileConfig(doc: MappingDoc, ctx: CompileContext): CompiledConfigStage {
  const raw = doc.data as RawConfig | undefined;
  if (raw === undefined) return { labGradeFacts: [] };
  const datePaths: Record<string, CompiledPath> = {};
  for (const [type, expression] of Object.entries(raw.datePaths)) {
    const compiled = ctx.path(expression, `${doc.file} datePaths.${type}`);
    if (compiled !== undefined) datePaths[type] = compiled;
  }
  const drugs = ctx.valueSet(raw.orders.drugValueSet, `${doc.file} orders`);
  const procedures = ctx.valueSet(raw.orders.procedureValueSet, `${doc.file} orders`);
  const labGradeFacts = [...raw.adverseEvents.labGradeFacts];
  if (drugs === undefined || procedures === undefined) return { labGradeFacts };
  return {
    config: { datePaths, sdThenPdIsAfterResponse: raw.progression.sdThenPdIsAfterResponse, adverseEvents: raw.adverseEvents, orders: { drugs, procedures } },
    labGradeFacts,
  };
}
