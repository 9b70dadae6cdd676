/**
 * fast-check arbitraries that mutate JSON documents (hook requests, FHIR resources): a member deleted, a value
 * of the wrong type, a huge string, deep nesting, unknown codes and units, other patients' resources,
 * duplicate ids, and raw-byte corruption of a serialised body.
 */
import fc from 'fast-check';

/** A location in a JSON document. */
export type JsonPath = readonly (string | number)[];

/** Lists up to `limit` paths of a JSON value (root excluded, at most 64 levels deep), breadth first. */
export function pathsOf(value: unknown, limit = 20_000): JsonPath[] {
  const out: JsonPath[] = [];
  const queue: { v: unknown; p: JsonPath }[] = [{ v: value, p: [] }];
  for (let head = 0; head < queue.length && out.length < limit; head++) {
    const { v, p } = queue[head] as { v: unknown; p: JsonPath };
    if (p.length > 64) continue;
    if (Array.isArray(v)) v.forEach((item, i) => {
      out.push([...p, i]);
      queue.push({ v: item, p: [...p, i] });
    });
    else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        out.push([...p, k]);
        queue.push({ v: item, p: [...p, k] });
      }
    }
  }
  return out;
}

/** Replaces (or deletes, when `replacement` is DELETE) the value at `path` in place. */
export function setAt(root: unknown, path: JsonPath, replacement: unknown): void {
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== 'object' || parent === null) return;
  if (replacement === DELETE) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<string, unknown>)[String(last)];
  } else {
    (parent as Record<string | number, unknown>)[last] = replacement;
  }
}

/** Marker for "delete the member". */
export const DELETE = Symbol('delete');

/** A nested array/object of the given depth. */
export function deepNest(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** Replacement values of the wrong kind or shape. */
export const arbReplacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(DELETE) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(''), fc.constant([]), fc.constant({})) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 50, max: 4000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => deepNest(d, k)) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1 + 0.2, 2 ** 31) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('Patient/someone-else', 'urn:uuid:00000000-0000-0000-0000-000000000000', '../../etc/passwd', '{{context.patientId}}', '<script>alert(1)</script>', 'mg/dL', '10*9/L', 'furlong/fortnight', 'umol/L') },
);

/** One mutation: a path index (modulo the number of paths) and a replacement. */
export const arbMutation = fc.tuple(fc.nat(), arbReplacement);

/** Applies mutations to a deep copy of `value`. */
export function mutate<T>(value: T, mutations: readonly (readonly [number, unknown])[]): T {
  const copy = structuredClone(value);
  for (const [index, replacement] of mutations) {
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    setAt(copy, paths[index % paths.length] ?? [], replacement);
  }
  return copy;
}

/** Clinically shaped corruption of FHIR resources: unknown codes/units, another patient, duplicates, bad dates. */
export type ResourceFault =
  | { kind: 'unknown-code'; code: string }
  | { kind: 'unknown-unit'; unit: string }
  | { kind: 'other-patient' }
  | { kind: 'duplicate' }
  | { kind: 'bad-date'; date: string }
  | { kind: 'bad-value'; value: unknown }
  | { kind: 'strip'; member: string };

/** Arbitrary resource faults. */
export const arbResourceFault: fc.Arbitrary<ResourceFault> = fc.oneof(
  fc.string({ maxLength: 12 }).map((code) => ({ kind: 'unknown-code' as const, code })),
  fc.constantFrom('furlong', 'mg/dL', 'g/dL', '10*3/uL', '%', '', '[iU]/L', 'mmol/mol', '{INR}', 'cm', 'mm', 'km').map((unit) => ({ kind: 'unknown-unit' as const, unit })),
  fc.constant({ kind: 'other-patient' as const }),
  fc.constant({ kind: 'duplicate' as const }),
  fc.constantFrom('2024-13-45', 'yesterday', '', '0000-00-00T00:00:00Z', '9999-12-31', '2021', '2021-02').map((date) => ({ kind: 'bad-date' as const, date })),
  fc.oneof(fc.double(), fc.string({ maxLength: 8 }), fc.constant(null), fc.constant(-1), fc.constant(1e12)).map((value) => ({ kind: 'bad-value' as const, value })),
  fc.constantFrom('code', 'subject', 'status', 'valueQuantity', 'effectiveDateTime', 'resourceType', 'id', 'coding', 'extension', 'suspectEntity', 'medicationCodeableConcept').map((member) => ({ kind: 'strip' as const, member })),
);

/** Applies a fault to a list of resources (as plain JSON objects) at a chosen index; returns a new list. */
export function applyResourceFault(resources: readonly unknown[], index: number, fault: ResourceFault): unknown[] {
  const list = structuredClone(resources) as Record<string, unknown>[];
  if (list.length === 0) return list;
  const i = index % list.length;
  const r = list[i] as Record<string, unknown>;
  const codings = (): Record<string, unknown>[] => {
    const c = (r['code'] ?? r['medicationCodeableConcept'] ?? r['event']) as { coding?: Record<string, unknown>[] } | undefined;
    return Array.isArray(c?.coding) ? c.coding : [];
  };
  switch (fault.kind) {
    case 'unknown-code':
      for (const c of codings()) c['code'] = fault.code;
      break;
    case 'unknown-unit': {
      const q = r['valueQuantity'] as Record<string, unknown> | undefined;
      if (q !== undefined) {
        q['code'] = fault.unit;
        q['unit'] = fault.unit;
      }
      break;
    }
    case 'other-patient':
      r['subject'] = { reference: 'Patient/intruder-42' };
      if (r['resourceType'] === 'Patient') r['id'] = 'intruder-42';
      break;
    case 'duplicate':
      list.push(structuredClone(r));
      list.push({ ...structuredClone(r), meta: { versionId: '2' } });
      break;
    case 'bad-date':
      for (const k of ['effectiveDateTime', 'authoredOn', 'performedDateTime', 'date', 'onsetDateTime', 'birthDate']) if (k in r) r[k] = fault.date;
      break;
    case 'bad-value':
      if ('valueQuantity' in r) (r['valueQuantity'] as Record<string, unknown>)['value'] = fault.value;
      else if ('valueInteger' in r) r['valueInteger'] = fault.value;
      else if ('valueBoolean' in r) r['valueBoolean'] = fault.value;
      else if (Array.isArray(r['extension'])) r['extension'] = [{ url: 'http://hcc-cds.org/fhir/StructureDefinition/ctcae-grade', valueInteger: fault.value }];
      break;
    case 'strip':
      if (fault.member === 'coding') for (const c of codings()) delete c['code'];
      else delete r[fault.member];
      break;
  }
  return list;
}

/** Raw corruption of a serialised body. */
export const arbByteFault = fc.oneof(
  fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % Math.max(1, b.length))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([n, byte]) => (b: Buffer) => {
    const c = Buffer.from(b);
    if (c.length > 0) c[n % c.length] = byte;
    return c;
  }),
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])),
  fc.constant((_b: Buffer) => Buffer.alloc(0)),
  fc.constantFrom('null', '[]', '0', '"text"', 'true', '{"a":', '{}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}').map((s) => (_b: Buffer) => Buffer.from(s)),
);
