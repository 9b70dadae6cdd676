/**
 * The clinician review document (cds-services/knowledge/REVIEW.md), generated from the knowledge base: for each
 * recommendation its statements in both languages, source and attribution, grade status, conditions in plain
 * words, required data, interpretation notes, order safety rules and a card preview. Deterministic (no dates),
 * so CI can regenerate it and fail on drift.
 */
import { conditionInWords } from './condition-words';
import { factLabel, formatValue } from './format-fact';
import type { ParameterValues } from './parameters';
import { renderTemplate, parseTemplate } from './template';
import type { KnowledgeBase, LocalizedText, Recommendation, SuggestionRef } from './types';

function both(text: LocalizedText): string {
  return `- 中文：${text['zh-CN']}\n- English: ${text.en}`;
}

function withParams(text: string, kb: KnowledgeBase, params: ParameterValues, language: 'zh-CN' | 'en'): string {
  return renderTemplate(parseTemplate(text), (slot) => (slot.startsWith('param.') ? formatValue(params[slot.slice(6)], language, kb) : `{{${slot}}}`));
}

function suggestionLines(refs: readonly SuggestionRef[] | undefined, kb: KnowledgeBase, params: ParameterValues): string[] {
  return (refs ?? []).map((r) => {
    const label = kb.suggestions[r.use]?.label;
    const when = r.when !== undefined ? ` — only when: ${conditionInWords(r.when, 'en', kb, params).map((l) => l.replace(/^\s*- /, '')).join(' ')}` : '';
    return `  - \`${r.use}\`: ${label?.en ?? r.use} / ${label?.['zh-CN'] ?? ''}${when}`;
  });
}

function recommendationSection(rec: Recommendation, kb: KnowledgeBase, params: ParameterValues): string {
  const { manifest } = kb;
  const out: string[] = [];
  out.push(`### ${rec.id} — ${rec.title.en}`, '', `**${rec.title['zh-CN']}**`, '');
  out.push(`Version ${rec.version} · status ${rec.status} · review ${rec.review.status}${rec.review.approvedBy.length > 0 ? ` (approved by ${rec.review.approvedBy.join(', ')})` : ' (not yet approved)'}${rec.rules !== undefined ? ` · rules ${rec.rules.join(', ')}` : ''} · hooks ${rec.hooks.join(', ')}`, '');
  out.push('**Statement / 推荐意见**', '', both(rec.statement), '');
  const attribution = manifest.attributions[rec.source.attribution];
  out.push(`**Source / 出处**: interpretation §${rec.source.section} / 解读 §${rec.source.section}; ${attribution?.en ?? rec.source.attribution} / ${attribution?.['zh-CN'] ?? ''}; wording 原文措辞: ${rec.wordingStrength}`, '');
  out.push(`**Evidence / 证据**: level ${rec.evidence.level ?? 'not stated'}, strength ${rec.evidence.strength ?? 'not stated'} — ${manifest.grading.notStated.en} / ${manifest.grading.notStated['zh-CN']}`, '', both(rec.evidence.note), '');
  if (rec.when !== undefined) {
    out.push('**Applies when (en)**', '', ...conditionInWords(rec.when, 'en', kb, params), '', '**适用条件（中文）**', '', ...conditionInWords(rec.when, 'zh-CN', kb, params), '');
  }
  if (rec.exclusions !== undefined) {
    out.push('**Does not apply when / 排除条件**', '', ...conditionInWords(rec.exclusions, 'en', kb, params), ...conditionInWords(rec.exclusions, 'zh-CN', kb, params), '');
  }
  const required = rec.requiredFacts ?? [];
  out.push(`**Required data / 必需数据**: ${required.length > 0 ? required.map((f) => `${factLabel(f, 'en', kb)} / ${factLabel(f, 'zh-CN', kb)} (\`${f}\`)`).join('; ') : 'none beyond the conditions'}`, '');
  if ((rec.interpretationNotes ?? []).length > 0) {
    out.push('**Interpretation notes / 解读说明**', '');
    for (const note of rec.interpretationNotes ?? []) out.push(`- ${withParams(note['zh-CN'], kb, params, 'zh-CN')}`, `  ${withParams(note.en, kb, params, 'en')}`);
    out.push('');
  }
  if (rec.card !== undefined) {
    out.push(`**Card preview / 卡片预览** (patient-view, indicator \`${rec.card.indicator}\`${(rec.card.indicatorRules ?? []).map((r) => `; \`${r.indicator}\` when ${conditionInWords(r.when, 'en', kb, params).map((l) => l.replace(/^\s*- /, '')).join(' ')}`).join('')})`, '');
    out.push(`- Summary: ${rec.card.summary.en}`, `- 摘要：${rec.card.summary['zh-CN']}`, `- Detail: ${rec.card.detail.en}`, `- 详情：${rec.card.detail['zh-CN']}`);
    if ((rec.card.suggestions ?? []).length > 0) out.push(`- Suggestions (${rec.card.selectionBehavior ?? 'any'}):`, ...suggestionLines(rec.card.suggestions, kb, params));
    out.push('');
  }
  for (const check of rec.orderChecks ?? []) {
    out.push(`**Order safety rule \`${check.id}\`** (${check.indicator}) — drafts of class ${check.orderClasses.map((c) => `\`${c}\``).join(', ')} when:`, '');
    out.push(...conditionInWords(check.when, 'en', kb, params), ...conditionInWords(check.when, 'zh-CN', kb, params), '');
    out.push(`- Summary: ${check.summary.en}`, `- 摘要：${check.summary['zh-CN']}`);
    if ((check.suggestions ?? []).length > 0) out.push(`- Suggestions (${check.selectionBehavior ?? 'any'}):`, ...suggestionLines(check.suggestions, kb, params));
    out.push('');
  }
  return out.join('\n');
}

/** Renders REVIEW.md for the knowledge base with the given parameter values. */
export function renderReview(kb: KnowledgeBase, params: ParameterValues): string {
  const { manifest } = kb;
  const out: string[] = [];
  out.push(`_Generated by \`hcc-cds kb\` (\`npm run kb:render\`) from cds-services/knowledge/${manifest.id}; do not edit by hand._`, '');
  out.push(`# Clinician review — ${manifest.title.en}`, '', `**${manifest.title['zh-CN']}**`, '');
  out.push(`Knowledge base \`${manifest.id}\` version ${manifest.version} (status ${manifest.status}); ${kb.recommendations.length} recommendations.`, '');
  out.push('## Source / 来源', '', both(manifest.source.citation), `- DOI: [${manifest.source.doi}](${manifest.source.url})`, '', both(manifest.source.note), '');
  out.push('## Grading / 证据分级', '', both(manifest.grading.reportedBy), '');
  out.push(`Levels: ${manifest.grading.levels.map((l) => l.code).join(', ')}; strengths: ${manifest.grading.strengths.map((s) => `${s.code} (${s.label?.en ?? ''} / ${s.label?.['zh-CN'] ?? ''})`).join(', ')}.`, '', both(manifest.grading.note), '');
  out.push('## How recommendations are evaluated / 评估方式', '');
  out.push('- A recommendation **fires** when its conditions are true, its required data are known and no exclusion holds; it **does not apply** when the conditions are false (a condition already ruled out asks for no more data) or an exclusion holds; otherwise it **cannot be evaluated** and the card names the missing data and suggests how to obtain it.');
  out.push('- 条件成立、必需数据齐全且不满足排除条件时**适用**；条件不成立或满足排除条件时**不适用**；其余情况为**无法评估**，卡片列出缺失数据并建议如何获取。', '');
  out.push('## Parameters / 可配置参数', '', '| Parameter | Value | Source | Note (en) | 说明 |', '| --- | --- | --- | --- | --- |');
  for (const [name, spec] of Object.entries(manifest.parameters)) {
    out.push(`| \`${name}\` | ${formatValue(spec.default, 'en', kb)}${spec.unit !== undefined ? ` ${spec.unit}` : ''} | ${spec.source.replace(/\|/g, '/')} | ${spec.note.en} | ${spec.note['zh-CN']} |`);
  }
  out.push('');
  if (manifest.weightFact !== undefined) {
    const label = kb.factLabels[manifest.weightFact];
    out.push(
      `- Per-kg doses: with a current ${label?.en ?? manifest.weightFact} (\`${manifest.weightFact}\`, kg) a suggestion states the daily dose in mg; otherwise it states the dose per kg.`,
      `- 按体重给药：有当前${label?.['zh-CN'] ?? manifest.weightFact}（\`${manifest.weightFact}\`，kg）时建议给出每日毫克剂量，否则给出每千克剂量。`,
      '',
    );
  }
  for (const topic of manifest.topics) {
    out.push(`## ${topic.title.en} / ${topic.title['zh-CN']}`, '');
    for (const rec of kb.recommendations.filter((r) => r.topic === topic.id)) out.push(recommendationSection(rec, kb, params));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
