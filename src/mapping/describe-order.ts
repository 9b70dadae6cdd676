/**
 * describeOrder: what a draft order (order-select / order-sign `context.draftOrders`) is — ICI, TKI, anti-VEGF,
 * TACE, HAIC, … Accepts R4 MedicationRequest / ServiceRequest, DSTU2 MedicationOrder and the sandbox's lenient
 * shapes (object-valued category, medication only in text); recognises what it can and never throws.
 */
import type { Compiled } from './compiled';
import { medicationConcept } from './medication';
import type { Mappings, OrderClass, OrderDescription } from './types';
import { displayOf, matchConcept, UNCLASSIFIED_TAG, type Concept } from './value-sets';

const PROCEDURE_CLASSES: readonly OrderClass[] = ['tace', 'haic', 'ablation', 'resection', 'radiotherapy', 'internal-radiotherapy'];

function asArray(node: unknown): unknown[] {
  return node === undefined || node === null ? [] : Array.isArray(node) ? node : [node];
}

function drugClasses(concept: Concept): OrderClass[] {
  const classes = new Set<OrderClass>();
  if (concept.tags.includes('ici')) classes.add('ici');
  if (concept.tags.includes('tki')) classes.add('tki');
  if (concept.tags.includes('anti-vegf')) classes.add('anti-vegf');
  if (classes.has('tki') || classes.has('anti-vegf')) classes.add('targeted');
  if (classes.size > 0) classes.add('targeted-immune-drug');
  return [...classes].sort();
}

/** Describes one draft order. */
export function describeOrder(mappings: Mappings, resource: unknown): OrderDescription {
  try {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return { classes: [] };
    const r = resource as Record<string, unknown>;
    const { drugs, procedures } = (mappings.compiled as Compiled).config.orders;
    const resourceType = typeof r['resourceType'] === 'string' ? r['resourceType'] : undefined;
    const base = {
      ...(resourceType === undefined ? {} : { resourceType }),
      ...(resourceType !== undefined && typeof r['id'] === 'string' ? { reference: `${resourceType}/${r['id']}` } : {}),
    };
    if (resourceType === 'MedicationRequest' || resourceType === 'MedicationOrder' || resourceType === 'MedicationStatement') {
      const concept = medicationConcept(r);
      const match = matchConcept(drugs, concept);
      // An ATC class alone (unclassified) names no agent: the order is not classified.
      const hit = match?.tags.includes(UNCLASSIFIED_TAG) === true ? undefined : match;
      const display = displayOf(concept);
      return {
        ...base,
        classes: hit === undefined ? [] : drugClasses(hit),
        ...(display === undefined ? (hit?.value === undefined ? {} : { display: String(hit.value) }) : { display }),
        ...(hit?.value === undefined ? {} : { agent: String(hit.value) }),
      };
    }
    if (resourceType === 'ServiceRequest' || resourceType === 'ProcedureRequest' || resourceType === 'Procedure') {
      const concepts = [r['code'], ...asArray(r['category'])];
      for (const concept of concepts) {
        const hit = matchConcept(procedures, concept);
        if (hit === undefined) continue;
        const display = displayOf(concept);
        return {
          ...base,
          classes: PROCEDURE_CLASSES.filter((c) => hit.tags.includes(c)),
          ...(display === undefined ? (hit.value === undefined ? {} : { display: String(hit.value) }) : { display }),
          ...(hit.value === undefined ? {} : { agent: String(hit.value) }),
        };
      }
      const display = displayOf(r['code']);
      return { ...base, classes: [], ...(display === undefined ? {} : { display }) };
    }
    return { ...base, classes: [] };
  } catch {
    return { classes: [] };
  }
}
