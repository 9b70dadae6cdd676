/**
 * Stage 3 of loading: the site-profile overlay — a profile's additions merged over the validated shipped files,
 * before anything is compiled, so every later stage sees one set of mappings. Extra code systems and unit aliases
 * come after the shipped ones; extra codes and display texts join the value set they name. A value set or code
 * system the shipped mappings do not know is a problem at the profile's file and line.
 */
import type { ValueSetFile } from '../value-sets';
import type { GatheredMappings, MappingDoc } from './gather';
import type { RawCodeSystems } from './raw-types';
import type { Problems } from './problems';
import type { LocatedDoc, RawSiteProfile, SiteProfileFiles } from './site-profile';

/** A valuesets/*.yaml file of a site profile (value-set-addition.schema.json). */
interface ValueSetAddition {
  valueSet: string;
  include?: ValueSetFile['include'][number][];
  texts?: NonNullable<ValueSetFile['texts']>[number][];
}

/** What the overlay gives the compile stages, and what the boot must say about it. */
export interface Overlaid {
  readonly codeSystems: readonly MappingDoc[];
  readonly valueSets: readonly MappingDoc[];
  readonly unitAliases: readonly MappingDoc[];
  /** Shipped value sets listed by code only that the profile's texts or prefixes open ("file:line" of the addition). */
  readonly opened: readonly { readonly valueSet: string; readonly where: string }[];
  /** The profile's name and knowledge-base parameter overrides, with where each override is written. */
  readonly profile?: { readonly dir: string; readonly name: string; readonly parameters: Readonly<Record<string, unknown>>; readonly parameterWhere: Readonly<Record<string, string>> };
}

function knownSystems(docs: readonly MappingDoc[]): Map<string, ReadonlySet<string> | undefined> {
  const out = new Map<string, ReadonlySet<string> | undefined>();
  for (const d of docs) for (const s of (d.data as RawCodeSystems | undefined)?.systems ?? []) out.set(s.uri, s.codes === undefined ? undefined : new Set(s.codes));
  return out;
}

function mergeAddition(doc: LocatedDoc, add: ValueSetAddition, target: MappingDoc, systems: ReadonlyMap<string, ReadonlySet<string> | undefined>, problems: Problems): boolean {
  const include: ValueSetFile['include'][number][] = [];
  (add.include ?? []).forEach((item, i) => {
    if (!systems.has(item.system)) {
      problems.add(doc.where(['include', i, 'system']), `unknown code system '${item.system}' (add it to the profile's code-systems.yaml)`);
      return;
    }
    const closed = systems.get(item.system);
    const codes = item.codes ?? (item.code === undefined ? [] : [item.code]);
    const outside = closed === undefined ? [] : codes.filter((c) => !closed.has(c));
    if (outside.length > 0) {
      problems.add(doc.where(['include', i]), `code '${outside.join("', '")}' is not in local code system ${item.system}`);
      return;
    }
    include.push(item);
  });
  const base = target.data as ValueSetFile;
  const texts = add.texts ?? [];
  const wasClosed = !base.include.some((i) => i.prefix !== undefined) && (base.texts ?? []).length === 0;
  target.data = { ...base, include: [...base.include, ...include], ...(base.texts === undefined && texts.length === 0 ? {} : { texts: [...(base.texts ?? []), ...texts] }) };
  return wasClosed && (texts.length > 0 || include.some((i) => i.prefix !== undefined));
}

/** Merges a profile (when given) over the shipped files; without one, the shipped files pass through unchanged. */
export function overlaySiteProfile(shipped: GatheredMappings, profile: SiteProfileFiles | undefined, problems: Problems): Overlaid {
  const shippedAliases = shipped.unitAliases === undefined ? [] : [shipped.unitAliases];
  if (profile === undefined) return { codeSystems: [shipped.codeSystems], valueSets: shipped.valueSets, unitAliases: shippedAliases, opened: [] };
  const codeSystems = [shipped.codeSystems, ...(profile.codeSystems === undefined ? [] : [profile.codeSystems])];
  const systems = knownSystems(codeSystems);
  // Copies: the shipped docs (possibly a snapshot's data) are never changed.
  const valueSets = shipped.valueSets.map((d) => ({ ...d }));
  const byId = new Map<string, MappingDoc>();
  for (const d of valueSets) {
    const id = (d.data as ValueSetFile | undefined)?.id;
    if (id !== undefined) byId.set(id, d);
  }
  const opened: { valueSet: string; where: string }[] = [];
  for (const doc of profile.valueSets) {
    const add = doc.data as ValueSetAddition | undefined;
    if (add === undefined) continue;
    const target = byId.get(add.valueSet);
    if (target === undefined) {
      problems.add(doc.where(['valueSet']), `unknown value set '${add.valueSet}' (the shipped value sets are fhir-mappings/valuesets/*.yaml)`);
      continue;
    }
    if (mergeAddition(doc, add, target, systems, problems)) opened.push({ valueSet: add.valueSet, where: doc.where(['texts']) });
  }
  const manifest = profile.manifest.data as RawSiteProfile | undefined;
  const parameters = manifest?.parameters ?? {};
  const parameterWhere: Record<string, string> = {};
  for (const name of Object.keys(parameters)) parameterWhere[name] = profile.manifest.where(['parameters', name]);
  return {
    codeSystems,
    valueSets,
    unitAliases: [...shippedAliases, ...(profile.unitAliases === undefined ? [] : [profile.unitAliases])],
    opened,
    profile: { dir: profile.dir, name: manifest?.name ?? profile.dir, parameters, parameterWhere },
  };
}
