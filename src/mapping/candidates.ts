/**
 * Gathering candidates for one fact: resources of the source's type whose code is in the value set, with an
 * accepted status, not entered-in-error / refuted, passing the `where` filter; then their date and value
 * (quantities converted to the canonical UCUM unit; codes mapped through value sets).
 */
import type { DataIssue, FactValue, UnknownReason } from '../domain/facts';
import type { Compiled, CompiledMappedFact, CompiledSource, CompiledValue } from './compiled';
import type { CompiledPath } from './fhirpath-compiled';
import { parseFhirDate } from './fhir-date';
import { isIdentifiable, primaryConcept } from './medication';
import { refOf, type AnyResource, type RecordIndex } from './record-index';
import { matchConcept, displayOf, NEEDS_CODE_TAG, UNCLASSIFIED_TAG, type CompiledValueSet, type Concept } from './value-sets';

/** What a candidate's value resolved to (computed lazily, only for the candidates selection looks at). */
export type Resolved =
  | { readonly value: FactValue; readonly unit?: string; readonly extras: Readonly<Record<string, FactValue>> }
  | { readonly error: { readonly reason: UnknownReason; readonly detail: string } };

/** One candidate resource for a fact: matched, status-checked and dated; its value is resolved on demand. */
export interface Candidate {
  readonly resource: AnyResource;
  readonly ref: string;
  readonly tier: number;
  readonly source: CompiledSource;
  readonly date?: string;
  readonly dateMs?: number;
  readonly concept?: Concept;
  /** Memo of resolve(): undefined = not yet resolved, null = no usable value. */
  resolved?: Resolved | null;
}

/** Per-extraction evaluation state (clones for fhirpath.js, issues). */
export interface EvalState {
  readonly index: RecordIndex;
  readonly compiled: Compiled;
  readonly now: number;
  readonly issues: DataIssue[];
  readonly clones: Map<unknown, unknown>;
  /** Memo of value-set matches of resources not found through the code dispatch. */
  readonly concepts: Map<CompiledValueSet, Map<AnyResource, Concept | null>>;
  /** "code|reference" of the per-resource data issues already reported (several facts read the same resource). */
  readonly reported: Set<string>;
}

/** A resource a fact could not use, and why (a data issue names it; the fact may become Unknown). */
export interface Unusable {
  readonly ref: string;
  readonly detail: string;
}

/** What gathering set aside besides the candidates. */
export interface GatherSink {
  /** Accepted-status medication resources whose drug cannot be identified or only by its class (collected for whenUnidentified facts). */
  readonly unidentified?: Unusable[];
  /** Resources matched only by a name the value set does not trust without a code (`needs-code`). */
  readonly unconfirmed: Unusable[];
  /** Matched resources left out because their status is not final yet (preliminary / registered). */
  readonly notFinal: Unusable[];
  /** Resources the source would have matched but that carry a modifierExtension (left out at indexing). */
  readonly modified?: Unusable[];
}

/** Pushes a per-resource data issue once per extraction, whatever the number of facts reading the resource. */
export function reportOnce(state: EvalState, issue: DataIssue): void {
  const key = `${issue.code}|${issue.location ?? ''}`;
  if (state.reported.has(key)) return;
  state.reported.add(key);
  state.issues.push(issue);
}

const DAY_MS = 86_400_000;

/** Evaluates a compiled path; fhirpath.js gets a private clone of the node (it may annotate its input). */
export function evalPath(state: EvalState, path: CompiledPath, node: unknown): unknown[] {
  if (path.fast) return path.evaluate(node);
  let clone = state.clones.get(node);
  if (clone === undefined) {
    clone = structuredClone(node);
    state.clones.set(node, clone);
  }
  try {
    return path.evaluate(clone);
  } catch {
    return [];
  }
}

function code(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const coding = (node as { coding?: unknown }).coding;
  if (!Array.isArray(coding)) return undefined;
  for (const c of coding) if (c !== null && typeof c === 'object' && typeof (c as { code?: unknown }).code === 'string') return (c as { code: string }).code;
  return undefined;
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}

type Extracted = { value: FactValue; unit?: string; concept?: Concept } | { error: { reason: UnknownReason; detail: string; issue?: string } } | undefined;

/** Detail of an implausible reading; the value itself is never repeated (it may be PHI, and is wrong anyway). */
export const IMPLAUSIBLE_DETAIL = 'implausible value';
const IMPLAUSIBLE = { error: { reason: 'unmappable-value', detail: IMPLAUSIBLE_DETAIL, issue: 'implausible-value' } } as const;

/** True when n is finite and inside the fact's data-quality limits (fact-mapping.schema.json `plausible`). */
export function plausible(fact: CompiledMappedFact, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const limits = fact.plausible;
  return limits === undefined || (n >= limits.min && n <= limits.max);
}

function extractValue(state: EvalState, fact: CompiledMappedFact, spec: CompiledValue, resource: AnyResource, concept: Concept | undefined, date: string | undefined): Extracted {
  switch (spec.kind) {
    case 'presence':
      return { value: true };
    case 'date':
      return date === undefined ? undefined : { value: date };
    case 'concept-value': {
      if (concept?.value !== undefined) return { value: String(concept.value), concept };
      const name = displayOf(primaryConcept(resource, state.index.byRef));
      return name === undefined ? undefined : { value: name.toLowerCase(), ...(concept === undefined ? {} : { concept }) };
    }
    case 'adverse-event':
      return { value: true };
    default:
      break;
  }
  if (spec.path === undefined) return undefined;
  let nodes: unknown[] = [resource];
  if (spec.component !== undefined) {
    const components = resource['component'];
    nodes = Array.isArray(components) ? components.filter((c) => c !== null && typeof c === 'object' && matchConcept(spec.component as never, (c as { code?: unknown }).code) !== undefined) : [];
  }
  const results = nodes.length === 1 ? evalPath(state, spec.path, nodes[0]) : nodes.flatMap((n) => evalPath(state, spec.path as CompiledPath, n));
  if (results.length === 0) return undefined;
  switch (spec.kind) {
    case 'quantity': {
      const quantities = results.filter((q): q is Record<string, unknown> => q !== null && typeof q === 'object' && typeof (q as { value?: unknown }).value === 'number');
      if (quantities.length === 0) return { error: { reason: 'unmappable-value', detail: 'no numeric value' } };
      // Several quantities (e.g. components): the largest, after conversion.
      let best: { value: number; unit?: string } | undefined;
      for (const q of quantities) {
        const converted = convertQuantity(state, fact, q);
        if ('error' in converted) return converted;
        if (!plausible(fact, converted.value)) return IMPLAUSIBLE;
        if (best === undefined || converted.value > best.value) best = converted;
      }
      return best === undefined ? undefined : { value: best.value, ...(best.unit === undefined ? {} : { unit: best.unit }) };
    }
    case 'integer':
    case 'decimal': {
      const n = results.find((r) => typeof r === 'number');
      if (typeof n !== 'number' || (spec.kind === 'integer' && Number.isFinite(n) && !Number.isInteger(n))) return { error: { reason: 'unmappable-value', detail: `not a${spec.kind === 'integer' ? 'n integer' : ' number'}` } };
      return plausible(fact, n) ? { value: n } : IMPLAUSIBLE;
    }
    case 'boolean': {
      const b = results.find((r) => typeof r === 'boolean');
      if (typeof b !== 'boolean') return { error: { reason: 'unmappable-value', detail: 'not a boolean' } };
      return { value: spec.booleanMap === undefined ? b : b ? spec.booleanMap.true : spec.booleanMap.false };
    }
    case 'coding': {
      const hit = spec.map === undefined ? undefined : matchConcept(spec.map, results);
      if (hit === undefined) return { error: { reason: 'unmappable-value', detail: `code ${code(results[0]) ?? '(none)'} is not in value set ${spec.map?.id ?? ''}` } };
      if (typeof hit.value === 'number' && !plausible(fact, hit.value)) return IMPLAUSIBLE;
      return { value: hit.value === undefined ? String(hit.code) : hit.value };
    }
    case 'code': {
      const s = results.find((r): r is string => typeof r === 'string' && (fact.codes ?? []).includes(r.trim()));
      if (s === undefined) return { error: { reason: 'unmappable-value', detail: `value is not one of ${(fact.codes ?? []).join(' ')}` } };
      return { value: s.trim() };
    }
    default:
      return undefined;
  }
}

/**
 * The unit of a Quantity as UCUM: its code, else its unit (a blank code gives way to a non-blank unit), through the
 * fact's unit aliases (fhir-mappings/unit-aliases.yaml, a site profile's); undefined when neither is a string.
 */
export function unitOf(fact: CompiledMappedFact, q: Readonly<Record<string, unknown>>): string | undefined {
  const code = typeof q['code'] === 'string' ? q['code'] : undefined;
  const unit = typeof q['unit'] === 'string' ? q['unit'] : undefined;
  const written = code !== undefined && (code.trim() !== '' || unit === undefined || unit.trim() === '') ? code : unit;
  if (written === undefined) return undefined;
  return fact.unitAliases.get(written) ?? fact.unitAliases.get(written.trim()) ?? written;
}

function convertQuantity(state: EvalState, fact: CompiledMappedFact, q: Record<string, unknown>): { value: number; unit?: string } | { error: { reason: UnknownReason; detail: string } } {
  const value = q['value'] as number;
  const given = unitOf(fact, q);
  if (fact.acceptUnits !== undefined) {
    if (given !== undefined && fact.acceptUnits.includes(given)) return { value, unit: given };
    return { error: { reason: 'unmappable-unit', detail: `unit '${given ?? '(none)'}' is not one of ${fact.acceptUnits.join(', ')}` } };
  }
  if (fact.unit === undefined) return given === undefined ? { value } : { value, unit: given };
  if (given === undefined) {
    if (fact.unit.startsWith('{')) return { value, unit: fact.unit };
    return { error: { reason: 'unmappable-unit', detail: `no unit given (expected something convertible to ${fact.unit})` } };
  }
  const converted = state.compiled.units.convert(value, given, fact.unit, fact.molarMass);
  if (converted === undefined) return { error: { reason: 'unmappable-unit', detail: `unit '${given}' cannot be converted to ${fact.unit}` } };
  return { value: round(converted), unit: fact.unit };
}

function statusOk(source: CompiledSource, resource: AnyResource): boolean {
  const status = resource['status'];
  if (status === 'entered-in-error') return false;
  if (source.statuses !== undefined && (typeof status !== 'string' || !source.statuses.has(status))) return false;
  if (resource.resourceType === 'Condition') {
    const verification = code(resource['verificationStatus']);
    if (verification === 'entered-in-error' || (verification !== undefined && source.excludeVerificationStatuses.has(verification))) return false;
    if (source.clinicalStatuses !== undefined) {
      const clinical = code(resource['clinicalStatus']);
      if (clinical === undefined ? !source.clinicalStatusMayBeAbsent : !source.clinicalStatuses.has(clinical)) return false;
    }
  }
  return true;
}

/** Resolves (once) the value of a candidate; null when the resource carries no usable value (a data issue). */
export function resolve(state: EvalState, fact: CompiledMappedFact, c: Candidate): Resolved | null {
  if (c.resolved !== undefined) return c.resolved;
  let extracted: Extracted;
  for (const spec of c.source.values) {
    extracted = extractValue(state, fact, spec, c.resource, c.concept, c.date);
    if (extracted !== undefined) break;
  }
  if (extracted === undefined) {
    state.issues.push({ code: 'no-value', message: `${fact.name}: resource has no usable value`, location: c.ref });
    c.resolved = null;
    return null;
  }
  if ('error' in extracted) {
    state.issues.push({ code: extracted.error.issue ?? extracted.error.reason, message: `${fact.name}: ${extracted.error.detail}`, location: c.ref });
    c.resolved = { error: { reason: extracted.error.reason, detail: extracted.error.detail } };
    return c.resolved;
  }
  const extras: Record<string, FactValue> = {};
  for (const [name, spec] of c.source.extras) {
    const x = extractValue(state, fact, spec, c.resource, c.concept, c.date);
    if (x !== undefined && 'value' in x) extras[name] = x.value;
  }
  c.resolved = { value: extracted.value, ...(extracted.unit === undefined ? {} : { unit: extracted.unit }), extras };
  return c.resolved;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The value-set concept of a resource matched per resource (not dispatched), memoised per record and value set. */
function conceptOf(state: EvalState, valueSet: CompiledValueSet, resource: AnyResource): Concept | undefined {
  let memo = state.concepts.get(valueSet);
  if (memo === undefined) state.concepts.set(valueSet, (memo = new Map()));
  let hit = memo.get(resource);
  if (hit === undefined) {
    hit = matchConcept(valueSet, primaryConcept(resource, state.index.byRef)) ?? null;
    memo.set(resource, hit);
  }
  return hit ?? undefined;
}

function hasTag(concept: Concept, tags: readonly string[]): boolean {
  for (const t of tags) if (concept.tags.includes(t)) return true;
  return false;
}

/** The first string the path yields (fast paths stop at it; fhirpath.js runs on a clone). */
function firstStringOf(state: EvalState, path: CompiledPath, node: unknown): string | undefined {
  if (path.fast) return path.firstString(node);
  for (const v of evalPath(state, path, node)) if (typeof v === 'string') return v;
  return undefined;
}

/** FHIR R4 observation-status / diagnostic-report-status codes of a result that is not final yet. */
const NOT_FINAL = new Set(['preliminary', 'registered', 'partial']);

/** Status, filters and date of one matched resource; pushes the candidate when it qualifies. */
function admit(state: EvalState, fact: CompiledMappedFact, source: CompiledSource, resource: AnyResource, concept: Concept | undefined, out: Candidate[], sink?: GatherSink): void {
  if (!statusOk(source, resource)) {
    const status = resource['status'];
    if (sink !== undefined && typeof status === 'string' && NOT_FINAL.has(status) && passesFilters(state, source, resource)) sink.notFinal.push({ ref: refOf(resource), detail: status });
    return;
  }
  if (!passesFilters(state, source, resource)) return;
  const ref = refOf(resource);
  // A result without effective[x] / issued takes the date of the DiagnosticReport that lists it (FHIR R4 DiagnosticReport.result).
  const rawDate = firstStringOf(state, source.date, resource) ?? (resource.resourceType === 'Observation' ? state.index.reportDateOf(ref) : undefined);
  const candidate: Mutable<Candidate> = { resource, ref, tier: source.tier, source };
  if (rawDate !== undefined) {
    const ms = parseFhirDate(rawDate);
    if (Number.isFinite(ms)) {
      if (ms > state.now) {
        reportOnce(state, { code: 'future-date', message: `${fact.name}: dated after now (${rawDate.slice(0, 10)}); not used`, location: ref });
        return;
      }
      candidate.date = rawDate;
      candidate.dateMs = ms;
    }
  }
  if (source.withinDays !== undefined) {
    if (candidate.dateMs === undefined) {
      reportOnce(state, { code: 'no-date', message: `${fact.name}: resource has no usable date and was ignored`, location: ref });
      return;
    }
    if (state.now - candidate.dateMs > source.withinDays * DAY_MS) return;
  }
  if (concept !== undefined) candidate.concept = concept;
  out.push(candidate);
}

/** Why a resource matched only by an untrusted name or by a drug class is not read. */
function unusableDetail(resource: AnyResource, concept: Concept, state: EvalState): string {
  const codes = codingList(primaryConcept(resource, state.index.byRef));
  if (concept.tags.includes(NEEDS_CODE_TAG)) return `code ${codes === '' ? '(none)' : codes} is not recognised, though the text names the diagnosis; not used`;
  return `medication not classified (${codes === '' ? 'no code' : codes}: an antineoplastic class, no agent the service knows)`;
}

function codingList(node: unknown): string {
  const out: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== 'object') return;
    const coding = (n as { coding?: unknown }).coding;
    if (!Array.isArray(coding)) return;
    for (const c of coding) {
      if (c === null || typeof c !== 'object') continue;
      const { system, code } = c as { system?: unknown; code?: unknown };
      if (typeof code === 'string') out.push(`${typeof system === 'string' ? system : '(no system)'}|${code}`);
    }
  };
  visit(node);
  return out.slice(0, 3).join(', ');
}

/**
 * Gathers the candidates of a fact (matched, status-checked, dated, not after "now"); values are resolved later.
 * Closed-code sources take their resources from the record's code dispatch; the others scan their resource type.
 * With a sink, what was set aside is collected there: unidentified or merely class-coded drugs (`sink.unidentified`,
 * for whenUnidentified facts), resources matched only by an untrusted name, results not final yet.
 */
export function gather(state: EvalState, fact: CompiledMappedFact, sources: readonly CompiledSource[] = fact.sources, sink?: GatherSink): Candidate[] {
  const candidates: Candidate[] = [];
  for (const source of sources) {
    if (source.dispatchId !== undefined) {
      for (const hit of state.index.byDispatch[source.dispatchId] ?? []) {
        if (source.tags !== undefined && !hasTag(hit.concept, source.tags)) continue;
        admit(state, fact, source, hit.resource, hit.concept, candidates, sink);
      }
      continue;
    }
    const valueSet = source.valueSet;
    for (const resource of state.index.byType.get(source.resourceType) ?? []) {
      if (valueSet === undefined) {
        admit(state, fact, source, resource, undefined, candidates, sink);
        continue;
      }
      const concept = conceptOf(state, valueSet, resource);
      if (concept === undefined) {
        if (sink?.unidentified !== undefined && !isIdentifiable(primaryConcept(resource, state.index.byRef)) && usable(state, source, resource)) {
          sink.unidentified.push({ ref: refOf(resource), detail: 'medication not identifiable (no code, text or display; reference not in the record)' });
        }
        continue;
      }
      if (concept.tags.includes(NEEDS_CODE_TAG)) {
        if (sink !== undefined && usable(state, source, resource)) sink.unconfirmed.push({ ref: refOf(resource), detail: unusableDetail(resource, concept, state) });
        continue;
      }
      if (concept.tags.includes(UNCLASSIFIED_TAG)) {
        if (sink?.unidentified !== undefined && (source.tags === undefined || hasTag(concept, source.tags)) && usable(state, source, resource)) {
          sink.unidentified.push({ ref: refOf(resource), detail: unusableDetail(resource, concept, state) });
        }
        continue;
      }
      if (source.tags !== undefined && !hasTag(concept, source.tags)) continue;
      admit(state, fact, source, resource, concept, candidates, sink);
    }
  }
  if (sink?.modified !== undefined && state.index.withModifiers.length > 0) collectModified(state, sources, sink.modified);
  return candidates;
}

/** The resources left out for a modifierExtension that one of the sources would have matched. */
function collectModified(state: EvalState, sources: readonly CompiledSource[], out: Unusable[]): void {
  for (const resource of state.index.withModifiers) {
    const hit = sources.some((source) => {
      if (source.resourceType !== resource.resourceType || !statusOk(source, resource)) return false;
      if (source.valueSet === undefined) return true;
      const concept = matchConcept(source.valueSet, primaryConcept(resource, state.index.byRef));
      return concept !== undefined && (source.tags === undefined || hasTag(concept, source.tags));
    });
    if (hit) out.push({ ref: refOf(resource), detail: 'carries a modifierExtension the service does not understand' });
  }
}

/** Accepted status, filters, and (for windowed sources) dated within the window: a resource the source would have read. */
function usable(state: EvalState, source: CompiledSource, resource: AnyResource): boolean {
  if (!statusOk(source, resource) || !passesFilters(state, source, resource)) return false;
  if (source.withinDays === undefined) return true;
  const raw = firstStringOf(state, source.date, resource);
  const ms = raw === undefined ? NaN : parseFhirDate(raw);
  return !Number.isFinite(ms) || (ms <= state.now && state.now - ms <= source.withinDays * DAY_MS);
}

function passesFilters(state: EvalState, source: CompiledSource, resource: AnyResource): boolean {
  if (source.match !== undefined && !matches(state, source.match, resource)) return false;
  return source.where === undefined || evalPath(state, source.where, resource)[0] === true;
}

function matches(state: EvalState, match: NonNullable<CompiledSource['match']>, resource: AnyResource): boolean {
  const found = evalPath(state, match.path, resource);
  if (found.length === 0) return match.allowAbsent;
  if (match.valueSet !== undefined) return matchConcept(match.valueSet, found) !== undefined;
  if (match.values !== undefined) return found.some((v) => typeof v === 'string' && (match.values as ReadonlySet<string>).has(v));
  return true;
}
