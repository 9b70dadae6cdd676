/**
 * Cross-file semantic checks of a schema-valid knowledge base against the mappings' fact catalogue: ids,
 * topics, attributions, facts, operators, parameters, suggestion references, texts and the indicator policy.
 */
import type { FactDefinition } from '../mapping/types';
import type { KnowledgeBase, LocalizedText, Recommendation, SuggestionRef } from './types';
import { checkCardPolicy, checkDisplayData, checkKbTexts } from './check-card-policy';
import { checkCondition, type ConditionContext } from './check-condition';
import { checkStrings, checkTemplateText, SUMMARY_LIMIT } from './check-texts';
import { leavesOf } from './condition-nodes';
import { parameterValueProblem } from './parameters';
import { parseTemplate } from './template';

const TEMPLATE_PATHS = [
  /^\.card\.(summary|detail)\./,
  /^\.orderChecks\[\d+\]\.(summary|detail)\./,
  /^\.interpretationNotes\[\d+\]\./,
  /^\.texts\.[A-Za-z]+\./,
  /^\.[a-z0-9-]+\.actions\[\d+\]\.resource\./,
  /^\.[a-z0-9-]+\.dosePerKg\.withWeight\./,
];

function isTemplatePath(path: string): boolean {
  return TEMPLATE_PATHS.some((re) => re.test(path));
}

/** The facts a recommendation refers to anywhere (conditions, required facts, text slots). */
export function factsOfRecommendation(rec: Recommendation): Set<string> {
  const names = new Set<string>();
  const addNode = (node: Parameters<typeof leavesOf>[0]): void => leavesOf(node).forEach((l) => names.add(l.fact));
  const addText = (text: LocalizedText): void => {
    for (const source of Object.values(text)) for (const slot of parseTemplate(source).slots) if (!slot.includes('.')) names.add(slot);
  };
  const addRefs = (refs: readonly SuggestionRef[] | undefined): void => refs?.forEach((r) => addNode(r.when));
  addNode(rec.when);
  addNode(rec.exclusions);
  rec.requiredFacts?.forEach((f) => names.add(f));
  if (rec.card !== undefined) {
    addText(rec.card.summary);
    addText(rec.card.detail);
    rec.card.indicatorRules?.forEach((r) => addNode(r.when));
    addRefs(rec.card.suggestions);
  }
  for (const check of rec.orderChecks ?? []) {
    addNode(check.when);
    check.requiredFacts?.forEach((f) => names.add(f));
    addText(check.summary);
    addText(check.detail);
    addRefs(check.suggestions);
  }
  return names;
}

function checkRecommendation(rec: Recommendation, file: string, kb: KnowledgeBase, ctx: ConditionContext): string[] {
  const p: string[] = [];
  const where = `${file} (${rec.id})`;
  const { manifest } = kb;
  if (!file.endsWith(`/${rec.id}.yaml`)) p.push(`${where}: file name must be ${rec.id}.yaml`);
  if (!manifest.topics.some((t) => t.id === rec.topic)) p.push(`${where}: unknown topic '${rec.topic}'`);
  if (manifest.attributions[rec.source.attribution] === undefined) p.push(`${where}: unknown attribution '${rec.source.attribution}'`);
  if (rec.evidence.level !== null && !manifest.grading.levels.some((l) => l.code === rec.evidence.level)) p.push(`${where}: evidence level '${rec.evidence.level}' is not on the grading scale`);
  if (rec.evidence.strength !== null && !manifest.grading.strengths.some((s) => s.code === rec.evidence.strength)) p.push(`${where}: strength '${rec.evidence.strength}' is not on the grading scale`);
  const patientView = rec.hooks.includes('patient-view');
  const orderHooks = rec.hooks.some((h) => h !== 'patient-view');
  if (patientView !== (rec.card !== undefined)) p.push(`${where}: a card (when + card) is needed exactly when hooks include patient-view`);
  if (orderHooks !== (rec.orderChecks !== undefined)) p.push(`${where}: orderChecks are needed exactly when hooks include order-select/order-sign`);
  if (rec.when !== undefined) p.push(...checkCondition(rec.when, `${where} when`, ctx));
  if (rec.exclusions !== undefined) p.push(...checkCondition(rec.exclusions, `${where} exclusions`, ctx));
  const slotOk = (slot: string): boolean => (slot.startsWith('param.') ? manifest.parameters[slot.slice(6)] !== undefined : ctx.facts.has(slot));
  const refsOk = (refs: readonly SuggestionRef[] | undefined, at: string): void => {
    refs?.forEach((ref, i) => {
      if (kb.suggestions[ref.use] === undefined) p.push(`${at}.suggestions[${i}]: unknown suggestion template '${ref.use}'`);
      if (ref.when !== undefined) p.push(...checkCondition(ref.when, `${at}.suggestions[${i}].when`, ctx));
    });
  };
  if (rec.card !== undefined) {
    p.push(...checkTemplateText(rec.card.summary, `${where} card.summary`, slotOk, SUMMARY_LIMIT));
    p.push(...checkTemplateText(rec.card.detail, `${where} card.detail`, slotOk));
    rec.card.indicatorRules?.forEach((r, i) => p.push(...checkCondition(r.when, `${where} card.indicatorRules[${i}]`, ctx)));
    refsOk(rec.card.suggestions, `${where} card`);
  }
  const checkIds = new Set<string>();
  rec.orderChecks?.forEach((check, i) => {
    const at = `${where} orderChecks[${i}]`;
    if (checkIds.has(check.id)) p.push(`${at}: duplicate check id '${check.id}'`);
    checkIds.add(check.id);
    p.push(...checkCondition(check.when, `${at}.when`, ctx));
    p.push(...checkTemplateText(check.summary, `${at}.summary`, slotOk, SUMMARY_LIMIT));
    p.push(...checkTemplateText(check.detail, `${at}.detail`, slotOk));
    refsOk(check.suggestions, at);
    for (const f of check.requiredFacts ?? []) if (!ctx.facts.has(f)) p.push(`${at}: unknown required fact '${f}'`);
  });
  for (const f of rec.requiredFacts ?? []) if (!ctx.facts.has(f)) p.push(`${where}: unknown required fact '${f}'`);
  rec.interpretationNotes?.forEach((note, i) =>
    p.push(...checkTemplateText(note, `${where} interpretationNotes[${i}]`, (s) => s.startsWith('param.') && manifest.parameters[s.slice(6)] !== undefined)),
  );
  for (const fact of factsOfRecommendation(rec)) if (ctx.facts.has(fact) && kb.factLabels[fact] === undefined) p.push(`${where}: fact '${fact}' has no label in fact-labels.yaml`);
  p.push(...checkCardPolicy(rec, where, kb));
  p.push(...checkStrings(rec, `${file}`, isTemplatePath));
  return p;
}

function checkManifest(kb: KnowledgeBase, ctx: ConditionContext): string[] {
  const p: string[] = [];
  const { manifest } = kb;
  for (const [name, spec] of Object.entries(manifest.parameters)) {
    const problem = parameterValueProblem(spec, spec.default);
    if (problem !== undefined) p.push(`kb.yaml parameters.${name}.default ${problem}`);
    if (spec.type === 'quantity' && spec.unit === undefined) p.push(`kb.yaml parameters.${name}: a quantity needs a unit`);
    if (spec.mappingOption !== undefined && spec.type !== 'boolean') p.push(`kb.yaml parameters.${name}: mappingOption only for boolean parameters`);
  }
  p.push(...checkCondition(manifest.scope, 'kb.yaml scope', ctx));
  const topicIds = new Set<string>();
  manifest.topics.forEach((t, i) => {
    if (topicIds.has(t.id)) p.push(`kb.yaml topics[${i}]: duplicate topic '${t.id}'`);
    topicIds.add(t.id);
  });
  for (const [fact, use] of Object.entries(manifest.dataRequests)) {
    if (!ctx.facts.has(fact)) p.push(`kb.yaml dataRequests: unknown fact '${fact}'`);
    if (kb.suggestions[use] === undefined) p.push(`kb.yaml dataRequests.${fact}: unknown suggestion template '${use}'`);
  }
  if (manifest.weightFact !== undefined) {
    const def = ctx.facts.get(manifest.weightFact);
    if (def?.type !== 'quantity' || def.unit !== 'kg') p.push(`kb.yaml weightFact: '${manifest.weightFact}' must be a quantity fact in kg`);
  }
  for (const fact of Object.keys(kb.factLabels)) if (!ctx.facts.has(fact)) p.push(`fact-labels.yaml: unknown fact '${fact}'`);
  p.push(...checkKbTexts(manifest));
  p.push(...checkStrings(manifest, 'kb.yaml', isTemplatePath));
  return p;
}

function checkSuggestionLibrary(kb: KnowledgeBase): string[] {
  const p: string[] = [];
  for (const [id, t] of Object.entries(kb.suggestions)) {
    const allowed = new Set(['patientId', 'now', ...(t.dosePerKg !== undefined ? ['doseText'] : [])]);
    const strings = checkStrings({ [id]: t }, 'suggestions.yaml', isTemplatePath);
    p.push(...strings);
    const walk = (v: unknown, at: string): void => {
      if (typeof v === 'string') for (const s of parseTemplate(v).slots) if (!allowed.has(s)) p.push(`suggestions.yaml ${id}${at}: unresolved placeholder {{${s}}}`);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    t.actions?.forEach((a, i) => walk(a.resource, `.actions[${i}].resource`));
    if (t.dosePerKg !== undefined) p.push(...checkTemplateText(t.dosePerKg.withWeight, `suggestions.yaml ${id}.dosePerKg.withWeight`, (s) => ['weight', 'lowMg', 'highMg'].includes(s)));
  }
  return p;
}

/** Every semantic problem of the knowledge base (empty when it may be loaded). */
export function checkKnowledgeBase(kb: KnowledgeBase, files: readonly string[], facts: ReadonlyMap<string, FactDefinition>): string[] {
  const ctx: ConditionContext = { facts, parameters: kb.manifest.parameters };
  const problems = [...checkManifest(kb, ctx), ...checkSuggestionLibrary(kb)];
  const seen = new Map<string, string>();
  kb.recommendations.forEach((rec, i) => {
    const file = files[i] ?? `recommendations/${rec.id}.yaml`;
    const earlier = seen.get(rec.id);
    if (earlier !== undefined) problems.push(`${file}: duplicate recommendation id '${rec.id}' (also in ${earlier})`);
    seen.set(rec.id, file);
    problems.push(...checkRecommendation(rec, file, kb, ctx));
  });
  kb.recommendations.forEach((rec, i) => {
    for (const id of rec.dataGapCoveredBy ?? []) {
      const coverer = kb.recommendations.find((r) => r.id === id);
      if (coverer === undefined || coverer.id === rec.id || coverer.card === undefined) {
        problems.push(`${files[i] ?? `recommendations/${rec.id}.yaml`} (${rec.id}): dataGapCoveredBy '${id}' must name another recommendation with a patient-view card`);
      }
    }
  });
  const used = new Set(kb.recommendations.flatMap((rec) => [...factsOfRecommendation(rec)]));
  problems.push(...checkDisplayData(kb, facts, used));
  return problems;
}
