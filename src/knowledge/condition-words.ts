/**
 * Conditions in plain words (zh-CN and en) for the clinician review document: a nested markdown list,
 * parameters shown with their current value and name.
 */
import type { Language } from '../pipeline/engine';
import { childrenOf, isLeaf } from './condition-nodes';
import { factLabel, formatValue } from './format-fact';
import type { ParameterValues } from './parameters';
import type { ConditionLeaf, ConditionNode, KnowledgeBase } from './types';

const WORDS: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: { all: 'all of:', any: 'any of:', not: 'not:', param: 'parameter', unknownFor: 'counts as unknown' },
  'zh-CN': { all: '同时满足：', any: '满足任一：', not: '不满足：', param: '参数', unknownFor: '视为未知' },
};

function operandText(leaf: ConditionLeaf, language: Language, kb: KnowledgeBase, params: ParameterValues): string {
  if (leaf.param !== undefined) {
    const unit = kb.manifest.parameters[leaf.param]?.unit;
    return `${formatValue(params[leaf.param], language, kb)}${unit !== undefined ? ` ${unit}` : ''} (${WORDS[language]['param']} \`${leaf.param}\`)`;
  }
  const list = Array.isArray(leaf.value) ? leaf.value.map((v) => formatValue(v, language, kb)) : [formatValue(leaf.value, language, kb)];
  const joined = list.join(language === 'en' ? ', ' : '、');
  return leaf.unit !== undefined ? `${joined} ${leaf.unit}` : joined;
}

function leafText(leaf: ConditionLeaf, language: Language, kb: KnowledgeBase, params: ParameterValues): string {
  const label = factLabel(leaf.fact, language, kb);
  const v = (): string => operandText(leaf, language, kb, params);
  const range = (): string[] => (Array.isArray(leaf.value) ? leaf.value.map((x) => formatValue(x, language, kb)) : [v(), v()]);
  const en: Record<string, () => string> = {
    equals: () => `${label} is ${v()}`,
    in: () => `${label} is one of ${v()}`,
    notIn: () => `${label} is not ${v()}`,
    gt: () => `${label} > ${v()}`,
    gte: () => `${label} ≥ ${v()}`,
    lt: () => `${label} < ${v()}`,
    lte: () => `${label} ≤ ${v()}`,
    between: () => `${label} between ${range()[0]} and ${range()[1]}`,
    isTrue: () => `${label}: yes`,
    isFalse: () => `${label}: no`,
    known: () => `${label} is recorded`,
  };
  const zh: Record<string, () => string> = {
    equals: () => `${label}为${v()}`,
    in: () => `${label}为${v()}之一`,
    notIn: () => `${label}不为${v()}`,
    gt: () => `${label} > ${v()}`,
    gte: () => `${label} ≥ ${v()}`,
    lt: () => `${label} < ${v()}`,
    lte: () => `${label} ≤ ${v()}`,
    between: () => `${label}在${range()[0]}~${range()[1]}之间`,
    isTrue: () => `${label}：是`,
    isFalse: () => `${label}：否`,
    known: () => `已记录${label}`,
  };
  const text = (language === 'en' ? en : zh)[leaf.op]?.() ?? `${label} ${leaf.op}`;
  const unknownFor = leaf.unknownFor !== undefined ? ` (${leaf.unknownFor.join(', ')}: ${WORDS[language]['unknownFor']})` : '';
  return `${text}${unknownFor} \`${leaf.fact}\``;
}

/** The condition as nested markdown list lines, indented by `depth`. */
export function conditionInWords(node: ConditionNode, language: Language, kb: KnowledgeBase, params: ParameterValues, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  if (isLeaf(node)) return [`${pad}- ${leafText(node, language, kb, params)}`];
  const kind = 'all' in node ? 'all' : 'any' in node ? 'any' : 'not';
  return [`${pad}- ${WORDS[language][kind]}`, ...childrenOf(node).flatMap((c) => conditionInWords(c, language, kb, params, depth + 1))];
}
