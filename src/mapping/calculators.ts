/** The registry of calculators named in fhir-mappings/derived-facts.yaml, adapting facts to the pure domain functions. */
import type { DataIssue, Fact } from '../domain/facts';
import { adverseEventFacts } from '../domain/derived/adverse-events';
import { albi, type AlbiTable } from '../domain/derived/albi';
import { childPugh, type ChildPughTable } from '../domain/derived/child-pugh';
import { cnlcStage, type CnlcTable } from '../domain/derived/cnlc-stage';
import { ctcaeGrades, type CtcaeTable } from '../domain/derived/ctcae';
import { imagingRecency } from '../domain/derived/days-since';
import { liverInjury } from '../domain/derived/liver-injury';
import { liverInjuryWorkup } from '../domain/derived/liver-injury-workup';
import { eventTiming } from '../domain/derived/event-timing';
import { ptProlongation } from '../domain/derived/pt-prolongation';
import { responseFacts } from '../domain/derived/response';
import { finiteOnly } from '../domain/derived/finite';
import { treatment } from '../domain/derived/treatment';
import type { AdverseEventEntry, FactLookup, SeriesEntry } from '../domain/derived/types';
import type { MappingConfig } from './compiled';

/** What a calculator gets besides the facts. */
export interface CalculatorContext {
  readonly get: FactLookup;
  readonly table: unknown;
  readonly now: Date;
  readonly series: ReadonlyMap<string, readonly SeriesEntry[]>;
  readonly adverseEvents: readonly AdverseEventEntry[];
  readonly config: MappingConfig;
  readonly sdThenPdIsAfterResponse: boolean;
  /** Records a data problem a calculator found (e.g. a recorded stage contradicted by newer data). */
  readonly report?: (issue: DataIssue) => void;
}

type Calculator = (ctx: CalculatorContext) => Record<string, Fact>;

const REGISTRY: Readonly<Record<string, Calculator>> = {
  'pt-prolongation': (ctx) => ptProlongation(ctx.get),
  treatment: (ctx) => treatment(ctx.get, ctx.now),
  'child-pugh': (ctx) => childPugh(ctx.get, ctx.table as ChildPughTable),
  albi: (ctx) => albi(ctx.get, ctx.table as AlbiTable),
  'cnlc-stage': (ctx) => cnlcStage(ctx.get, ctx.table as CnlcTable, (message, location) => ctx.report?.({ code: 'conflicting-stage', message, ...(location === undefined ? {} : { location }) })),
  ctcae: (ctx) => ctcaeGrades(ctx.get, ctx.table as CtcaeTable),
  'liver-injury': (ctx) => liverInjury(ctx.get, ctx.config.adverseEvents.liverInjuryKnownFromGrade),
  response: (ctx) => responseFacts(ctx.series.get('responseHistory') ?? [], ctx.get, { sdThenPdIsAfterResponse: ctx.sdThenPdIsAfterResponse }),
  'contrast-imaging': (ctx) => imagingRecency(ctx.get, ctx.now),
  'adverse-events': (ctx) => adverseEventFacts(ctx.adverseEvents, ctx.get, ctx.config.adverseEvents),
  'liver-injury-workup': (ctx) => liverInjuryWorkup(ctx.get),
  'event-timing': (ctx) => eventTiming(ctx.get, ctx.now),
};

/** The calculator ids derived-facts.yaml may name. */
export const CALCULATOR_IDS: readonly string[] = Object.keys(REGISTRY);

/** Runs one calculator (a non-finite number in its output becomes Unknown); undefined id cannot happen after loadMappings validated it. */
export function runCalculator(id: string, ctx: CalculatorContext): Record<string, Fact> {
  const calculator = REGISTRY[id];
  return calculator === undefined ? {} : finiteOnly(calculator(ctx));
}
