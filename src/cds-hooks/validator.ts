/**
 * Our own CDS Hooks 2.0.1 JSON Schemas, compiled once at module load, plus the invariants JSON Schema cannot
 * express (spec § Use of JSON "no null or empty values", unique uuids, one recommended suggestion, selections
 * resolving in draftOrders). Every function returns problems; an empty list means valid.
 * @see https://cds-hooks.hl7.org/2.0/
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { HookName } from './types';
import requestCommon from './schemas/request-common.schema.json';
import requestPatientView from './schemas/request-patient-view.schema.json';
import requestOrderSelect from './schemas/request-order-select.schema.json';
import requestOrderSign from './schemas/request-order-sign.schema.json';
import responseSchema from './schemas/response.schema.json';
import discoverySchema from './schemas/discovery-response.schema.json';
import feedbackSchema from './schemas/feedback.schema.json';

/** One validation problem: where (dotted path such as `context.patientId`, or `$` for the root) and what. */
export interface ValidationProblem {
  readonly location: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv);
ajv.addSchema(requestCommon);

const requestValidators: Readonly<Record<HookName, ValidateFunction>> = {
  'patient-view': ajv.compile(requestPatientView),
  'order-select': ajv.compile(requestOrderSelect),
  'order-sign': ajv.compile(requestOrderSign),
};
const responseValidator = ajv.compile(responseSchema);
const discoveryValidator = ajv.compile(discoverySchema);
const feedbackValidator = ajv.compile(feedbackSchema);

/** The hooks we have request schemas for. */
export const SUPPORTED_HOOKS: readonly HookName[] = Object.keys(requestValidators) as HookName[];

/** True when the string names a hook this service supports. */
export function isSupportedHook(hook: unknown): hook is HookName {
  return typeof hook === 'string' && (SUPPORTED_HOOKS as readonly string[]).includes(hook);
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function join(base: string, member: string): string {
  return base === '' ? member : `${base}.${member}`;
}

function toProblem(error: ErrorObject): ValidationProblem | undefined {
  // "if" errors only restate the failing "then" branch, reported separately.
  if (error.keyword === 'if') return undefined;
  const base = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' || error.keyword === 'dependencies') {
    const missing = String(params['missingProperty']);
    return { location: join(base, missing), message: `${join(base, missing)} is required` };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String(params['additionalProperty']);
    return { location: join(base, extra), message: `${join(base, extra)} is not allowed` };
  }
  const where = base === '' ? '$' : base;
  const detail = error.keyword === 'const' ? `must be ${JSON.stringify(params['allowedValue'])}` : (error.message ?? 'is invalid');
  return { location: where, message: `${where} ${detail}` };
}

function problemsOf(validate: ValidateFunction, body: unknown): ValidationProblem[] {
  if (validate(body)) return [];
  const seen = new Set<string>();
  const problems: ValidationProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error);
    if (problem === undefined || seen.has(problem.message)) continue;
    seen.add(problem.message);
    problems.push(problem);
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function draftOrderReferences(draftOrders: unknown): Set<string> {
  const refs = new Set<string>();
  if (!isObject(draftOrders) || !Array.isArray(draftOrders['entry'])) return refs;
  for (const entry of draftOrders['entry']) {
    const resource = isObject(entry) ? entry['resource'] : undefined;
    if (isObject(resource) && typeof resource['resourceType'] === 'string' && typeof resource['id'] === 'string') {
      refs.add(`${resource['resourceType']}/${resource['id']}`);
    }
  }
  return refs;
}

/** Validates a hook request against the schema of `hook` plus the selections-in-draftOrders invariant (Library order-select). */
export function validateHookRequest(hook: HookName, body: unknown): ValidationProblem[] {
  const problems = problemsOf(requestValidators[hook], body);
  if (problems.length > 0 || !isObject(body) || !isObject(body['context'])) return problems;
  const context = body['context'];
  const selections = context['selections'];
  if (Array.isArray(selections)) {
    const refs = draftOrderReferences(context['draftOrders']);
    selections.forEach((selection, i) => {
      if (typeof selection === 'string' && !refs.has(selection)) {
        problems.push({ location: `context.selections[${i}]`, message: `context.selections[${i}] does not resolve to a resource in context.draftOrders` });
      }
    });
  }
  return problems;
}

/**
 * Every null, empty string, empty array (but the top-level `cards`) and empty object in `value`, our own extension
 * included (CDS Hooks § Use of JSON: "JSON attributes SHALL NOT be null"; optional values are omitted).
 */
export function nullOrEmptyProblems(value: unknown): string[] {
  const out: string[] = [];
  emptyValueProblems(value, '', out);
  return out;
}

function emptyValueProblems(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push(`${path} is null (omit optional members instead)`);
  } else if (value === '') {
    out.push(`${path} is an empty string`);
  } else if (Array.isArray(value)) {
    if (value.length === 0 && path !== 'cards') out.push(`${path} is an empty array`);
    value.forEach((item, i) => emptyValueProblems(item, `${path}[${i}]`, out));
  } else if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(`${path} is an empty object`);
    for (const key of keys) {
      emptyValueProblems(value[key], path === '' ? key : `${path}.${key}`, out);
    }
  }
}

function cardInvariantProblems(cards: readonly unknown[], out: string[]): void {
  const cardUuids = new Set<string>();
  const suggestionUuids = new Set<string>();
  cards.forEach((card, i) => {
    if (!isObject(card)) return;
    const uuid = card['uuid'];
    if (typeof uuid === 'string') {
      if (cardUuids.has(uuid)) out.push(`cards[${i}].uuid is not unique`);
      cardUuids.add(uuid);
    }
    const suggestions = Array.isArray(card['suggestions']) ? card['suggestions'] : [];
    let recommended = 0;
    suggestions.forEach((suggestion, j) => {
      if (!isObject(suggestion)) return;
      if (suggestion['isRecommended'] === true) recommended += 1;
      const id = suggestion['uuid'];
      if (typeof id === 'string') {
        if (suggestionUuids.has(id)) out.push(`cards[${i}].suggestions[${j}].uuid is not unique`);
        suggestionUuids.add(id);
      }
    });
    // 3.0b invariant cds-resp-1, already good practice in 2.0.
    if (card['selectionBehavior'] === 'at-most-one' && recommended > 1) {
      out.push(`cards[${i}] has ${recommended} recommended suggestions with selectionBehavior at-most-one`);
    }
  });
}

/** Validates a hook response: schema, no null/empty values anywhere (our extension included), unique uuids. */
export function validateCdsResponse(body: unknown): string[] {
  const out = problemsOf(responseValidator, body).map((p) => p.message);
  emptyValueProblems(body, '', out);
  if (isObject(body) && Array.isArray(body['cards'])) cardInvariantProblems(body['cards'], out);
  return out;
}

/** Validates a discovery response: schema, no null/empty values, service ids unique. */
export function validateDiscoveryResponse(body: unknown): string[] {
  const out = problemsOf(discoveryValidator, body).map((p) => p.message);
  emptyValueProblems(body, '', out);
  if (isObject(body) && Array.isArray(body['services'])) {
    const ids = new Set<string>();
    for (const service of body['services']) {
      const id = isObject(service) ? service['id'] : undefined;
      if (typeof id !== 'string') continue;
      if (ids.has(id)) out.push(`services id ${id} is not unique`);
      ids.add(id);
    }
  }
  return out;
}

/** Validates a feedback request body (2.0 shape and the sandbox's looser override reason). */
export function validateFeedbackRequest(body: unknown): ValidationProblem[] {
  return problemsOf(feedbackValidator, body);
}
