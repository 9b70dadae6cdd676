/**
 * Value sets compiled to lookup maps at load: exact (system|code) hits, code prefixes (ICD-10 C77.*, ATC L01FF*)
 * and case-insensitive name texts (English / Chinese drug names, endocrine AE terms).
 */

/** Tag of a class-level concept (e.g. an ATC class prefix): recognised as "something of this class", never as an agent; matched after names. */
export const UNCLASSIFIED_TAG = 'unclassified';
/** Tag of a name that is not trusted on its own: a resource matched only by it is reported, not read (valuesets/hcc-diagnosis.yaml). */
export const NEEDS_CODE_TAG = 'needs-code';

/** One concept of a value set with what it maps to. */
export interface Concept {
  readonly system?: string;
  readonly code?: string;
  /** The fact value this concept stands for (e.g. LA9623-5 → 1, a drug coding → its INN). */
  readonly value?: string | number | boolean;
  readonly tags: readonly string[];
}

/** A compiled value set. */
export interface CompiledValueSet {
  readonly id: string;
  readonly exact: ReadonlyMap<string, Concept>;
  readonly prefixes: readonly (Concept & { readonly prefix: string })[];
  /** Prefixes of `unclassified` concepts, tried after the names. */
  readonly fallbackPrefixes: readonly (Concept & { readonly prefix: string })[];
  readonly texts: readonly (Concept & { readonly text: string })[];
  /** The exact system|code keys, for prefetch code restriction (undefined when prefixes or texts make it open). */
  readonly closedCodes?: readonly { readonly system: string; readonly code: string }[];
}

/** The raw value-set file shape (validated by schemas/value-set.schema.json). */
export interface ValueSetFile {
  readonly id: string;
  readonly title: string;
  readonly notes?: string;
  readonly include: readonly {
    readonly system: string;
    readonly code?: string;
    readonly codes?: readonly string[];
    readonly prefix?: string;
    readonly value?: string | number | boolean;
    readonly tags?: readonly string[];
    readonly display?: string;
  }[];
  readonly texts?: readonly { readonly text: string; readonly value?: string | number | boolean; readonly tags?: readonly string[] }[];
}

/** Compiles a validated value-set file. */
export function compileValueSet(file: ValueSetFile): CompiledValueSet {
  const exact = new Map<string, Concept>();
  const prefixes: (Concept & { prefix: string })[] = [];
  const fallbackPrefixes: (Concept & { prefix: string })[] = [];
  const closed: { system: string; code: string }[] = [];
  for (const item of file.include) {
    const base = { system: item.system, tags: item.tags ?? [], ...(item.value === undefined ? {} : { value: item.value }) };
    if (item.prefix !== undefined) {
      (base.tags.includes(UNCLASSIFIED_TAG) ? fallbackPrefixes : prefixes).push({ ...base, prefix: item.prefix });
      continue;
    }
    for (const code of item.codes ?? (item.code === undefined ? [] : [item.code])) {
      exact.set(`${item.system}|${code}`, { ...base, code });
      closed.push({ system: item.system, code });
    }
  }
  const texts = (file.texts ?? []).map((t) => ({
    text: t.text.toLowerCase(),
    tags: t.tags ?? [],
    ...(t.value === undefined ? {} : { value: t.value }),
  }));
  return {
    id: file.id,
    exact,
    prefixes,
    fallbackPrefixes,
    texts,
    ...(prefixes.length === 0 && fallbackPrefixes.length === 0 && texts.length === 0 ? { closedCodes: closed } : {}),
  };
}

interface CodingLike {
  readonly system?: unknown;
  readonly code?: unknown;
  readonly display?: unknown;
}

function codingsOf(node: unknown): CodingLike[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(codingsOf);
  const record = node as Record<string, unknown>;
  if (Array.isArray(record['coding'])) return record['coding'].filter((c): c is CodingLike => c !== null && typeof c === 'object');
  if ('code' in record || 'system' in record) return [record as CodingLike];
  return [];
}

function textsOf(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(textsOf);
  const record = node as Record<string, unknown>;
  const out: string[] = [];
  if (typeof record['text'] === 'string') out.push(record['text']);
  if (typeof record['display'] === 'string') out.push(record['display']);
  for (const coding of codingsOf(record)) if (typeof coding.display === 'string' && coding !== record) out.push(coding.display);
  return out;
}

function prefixHit(prefixes: readonly (Concept & { readonly prefix: string })[], codings: readonly CodingLike[]): Concept | undefined {
  for (const coding of codings) {
    if (typeof coding.system !== 'string' || typeof coding.code !== 'string') continue;
    const code = coding.code;
    const hit = prefixes.find((p) => p.system === coding.system && code.startsWith(p.prefix));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Finds the concept a CodeableConcept / Coding (or a list of them) belongs to: exact codes first, then prefixes,
 * then names in text or coding display, then the class prefixes of `unclassified` concepts. Undefined when nothing matches.
 */
export function matchConcept(valueSet: CompiledValueSet, node: unknown): Concept | undefined {
  const codings = codingsOf(node);
  for (const coding of codings) {
    if (typeof coding.system !== 'string' || typeof coding.code !== 'string') continue;
    const hit = valueSet.exact.get(`${coding.system}|${coding.code}`);
    if (hit !== undefined) return hit;
  }
  if (valueSet.prefixes.length > 0) {
    const hit = prefixHit(valueSet.prefixes, codings);
    if (hit !== undefined) return hit;
  }
  if (valueSet.texts.length > 0) {
    for (const text of textsOf(node)) {
      const lower = text.toLowerCase();
      const hit = valueSet.texts.find((t) => lower.includes(t.text));
      if (hit !== undefined) return hit;
    }
  }
  return valueSet.fallbackPrefixes.length > 0 ? prefixHit(valueSet.fallbackPrefixes, codings) : undefined;
}

/** The first human-readable name in a CodeableConcept (text, else a coding display). */
export function displayOf(node: unknown): string | undefined {
  return textsOf(node)[0];
}
