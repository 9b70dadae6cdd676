/**
 * report.html: one self-contained page (readable offline, nothing fetched) showing a shareable report: tables
 * rendered here with every number, charts drawn in the browser by Chart.js, whose UMD bundle is read from
 * node_modules and inlined at generation time. Only a shareable report is rendered (the page is meant to leave
 * the hospital).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Cell, CohortReport } from './report-types';
import { REPORT_CHARTS_SCRIPT } from './report-charts-script';

const TABLE_ROWS = 50;

function chartJsBundle(): string {
  // The package exports no subpath for its UMD bundle; it sits beside the CommonJS entry in dist/.
  const path = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  // The source-map comment would make a browser with dev tools open ask for a file that is not there.
  return readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '').replace(/<\/script/gi, '<\\/script');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function cell(value: Cell, minCell: number, name: string): string {
  const shown = value === null ? `&lt;${minCell}` : String(value);
  return `<td class="num" data-cell="${escapeHtml(name)}"${value === null ? ' data-suppressed="true"' : ''}>${shown}</td>`;
}

function percent(value: number | null, name: string): string {
  return `<td class="num" data-cell="${escapeHtml(name)}">${value === null ? '–' : `${(value * 100).toFixed(1)}%`}</td>`;
}

function table(headers: readonly string[], rows: readonly string[], id: string): string {
  return `<table id="${id}"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function section(title: string, chartId: string | undefined, body: string, note = ''): string {
  const chart = chartId === undefined ? '' : `<div class="chart"><canvas id="${chartId}" role="img" aria-label="${escapeHtml(title)}"></canvas></div>`;
  return `<section><h2>${escapeHtml(title)}</h2>${note === '' ? '' : `<p class="note">${note}</p>`}${chart}${body}</section>`;
}

/** The HTML page of a shareable report; throws on an internal report. */
export function renderReportHtml(report: CohortReport): string {
  if (!report.shareable) throw new Error('only a shareable (suppressed) report is rendered to HTML');
  const m = report.minCell;
  const p = report.patients;
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  const patients = table(
    ['patients', 'count'],
    [
      `<tr><td>read</td>${cell(p.read, m, 'patients.read')}</tr>`,
      `<tr><td>with an HCC diagnosis</td>${cell(p.withHccDiagnosis, m, 'patients.withHccDiagnosis')}</tr>`,
      `<tr><td>without an HCC diagnosis</td>${cell(p.withoutHccDiagnosis, m, 'patients.withoutHccDiagnosis')}</tr>`,
      `<tr><td>HCC diagnosis unknown</td>${cell(p.hccDiagnosisUnknown, m, 'patients.hccDiagnosisUnknown')}</tr>`,
      `<tr><td>evaluation failed</td>${cell(p.failed, m, 'patients.failed')}</tr>`,
    ],
    'table-patients',
  );
  const bins = table(['cards', 'patients'], report.cardsPerPatient.map((b) => `<tr><td>${escapeHtml(b.cards)}</td>${cell(b.patients, m, `cardsPerPatient.${b.cards}`)}</tr>`), 'table-cards-per-patient');
  const indicators = table(
    ['indicator', 'cards', 'patients with ≥ 1'],
    report.cardsByIndicator.map((c) => `<tr><td>${c.indicator}</td>${cell(c.cards, m, `cardsByIndicator.${c.indicator}.cards`)}${cell(c.patients, m, `cardsByIndicator.${c.indicator}.patients`)}</tr>`),
    'table-indicators',
  );
  const recs = table(
    ['recommendation', 'fired', 'not evaluable', 'not applicable', 'firing rate', 'not-evaluable rate'],
    report.recommendations.map(
      (r) =>
        `<tr><td>${escapeHtml(r.id)}</td>${cell(r.fired, m, `recommendations.${r.id}.fired`)}${cell(r.notEvaluable, m, `recommendations.${r.id}.notEvaluable`)}${cell(r.notApplicable, m, `recommendations.${r.id}.notApplicable`)}${percent(r.firingRate, `recommendations.${r.id}.firingRate`)}${percent(r.notEvaluableRate, `recommendations.${r.id}.notEvaluableRate`)}</tr>`,
    ),
    'table-recommendations',
  );
  const missing = table(
    ['missing fact', 'recommendations blocked', 'blocked (patient × recommendation)', 'patients'],
    report.missingInputs.map(
      (x) => `<tr><td>${escapeHtml(x.fact)}</td><td class="num" data-cell="missingInputs.${escapeHtml(x.fact)}.recommendations" title="${escapeHtml(x.recommendationIds.join(', '))}">${x.recommendationIds.length}</td>${cell(x.blocked, m, `missingInputs.${x.fact}.blocked`)}${cell(x.patients, m, `missingInputs.${x.fact}.patients`)}</tr>`,
    ),
    'table-missing',
  );
  const issues = table(
    ['data issue', 'issues', 'patients'],
    report.dataIssues.map((d) => `<tr><td>${escapeHtml(d.code)}</td>${cell(d.issues, m, `dataIssues.${d.code}.issues`)}${cell(d.patients, m, `dataIssues.${d.code}.patients`)}</tr>`),
    'table-issues',
  );
  const u = report.unrecognisedCodes;
  const codes = u.available
    ? table(
        ['system', 'code', 'display', 'resource type', 'occurrences', 'patients'],
        u.rows.slice(0, TABLE_ROWS).map((r) => {
          const key = `unrecognisedCodes.${r.resourceType}|${r.system}|${r.code}`;
          return `<tr><td>${escapeHtml(r.system)}</td><td>${escapeHtml(r.code)}</td><td>${escapeHtml(r.display ?? '')}</td><td>${escapeHtml(r.resourceType)}</td>${cell(r.occurrences, m, `${key}.occurrences`)}${cell(r.patients, m, `${key}.patients`)}</tr>`;
        }),
        'table-unrecognised',
      )
    : '';
  const codesNote = [
    u.available ? '' : `Not available: ${escapeHtml(u.note ?? '')}.`,
    u.rows.length > TABLE_ROWS ? `The first ${TABLE_ROWS} of ${u.rows.length} rows; report.json lists them all.` : '',
    u.suppressedRows > 0 ? `${u.suppressedRows} code${u.suppressedRows === 1 ? '' : 's'} carried by fewer than ${m} patients ${u.suppressedRows === 1 ? 'is' : 'are'} not shown.` : '',
    u.available && u.rows.length === 0 ? 'No code in the rows shown.' : '',
  ].filter((s) => s !== '').join(' ');
  const input = report.input;
  const inputRows = [
    `<tr><td>kind</td><td>${input.kind}</td></tr>`,
    `<tr><td>files</td><td class="num" data-cell="input.files">${input.files}</td></tr>`,
    `<tr><td>lines</td><td class="num" data-cell="input.lines">${input.lines}</td></tr>`,
    `<tr><td>resources</td><td class="num" data-cell="input.resources">${input.resources}</td></tr>`,
    ...input.problems.map((x) => `<tr><td>problem: ${escapeHtml(x.kind)}</td><td class="num" data-cell="input.problems.${escapeHtml(x.kind)}">${x.count}</td></tr>`),
    ...input.ignoredResources.map((x) => `<tr><td>not patient data: ${escapeHtml(x.resourceType)}</td><td class="num">${x.count}</td></tr>`),
    ...input.failedInputs.map((name) => `<tr><td>failed input</td><td>${escapeHtml(name)}</td></tr>`),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hcc-cds cohort readiness report</title>
<style>
body { font: 14px/1.45 system-ui, "Noto Sans", "WenQuanYi Micro Hei", sans-serif; margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.meta, .note { color: #555; } .warn { color: #b71c1c; font-weight: 600; }
section { break-inside: avoid; } .chart { position: relative; height: 320px; margin: .75rem 0; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; } td[data-suppressed] { color: #888; }
</style>
</head>
<body>
<h1>Cohort readiness report</h1>
<p class="meta">Knowledge base ${escapeHtml(report.kbVersions.join(', '))} · evaluated at ${escapeHtml(report.evaluatedAt ?? 'run time')} · generated ${escapeHtml(report.generatedAt)} · ${report.reportsMerged} report(s) pooled</p>
<p class="meta">Counts of 1 to ${m - 1} patients are shown as &lt;${m} (and one more cell where a total would reveal them). No patient-level data is in this page.</p>
${report.complete ? '' : '<p class="warn">Incomplete run: some inputs or patients failed (see Input).</p>'}
${report.siteProfile.requested ? `<p class="meta">Site profile: ${report.siteProfile.applied ? 'applied' : 'not applied'}${report.siteProfile.note !== undefined ? ` (${escapeHtml(report.siteProfile.note)})` : ''}</p>` : ''}
${section('Patients', 'chart-patients', patients)}
${section('Cards per patient', 'chart-cards-per-patient', bins)}
${section('Cards by indicator', 'chart-indicators', indicators)}
${section('Recommendations: firing and not-evaluable rate', 'chart-recommendations', recs, 'Rates are of the patients evaluated (read − failed).')}
${report.missingInputs.length > 0 ? section('Missing inputs that block most recommendations', 'chart-missing', missing) : section('Missing inputs that block most recommendations', undefined, '', 'No recommendation was blocked by missing data.')}
${report.dataIssues.length > 0 ? section('Data issues by kind', 'chart-issues', issues) : section('Data issues by kind', undefined, '', 'No data issue was reported.')}
${section('Unrecognised codes (what a site profile should map next)', u.available && u.rows.length > 0 ? 'chart-unrecognised' : undefined, codes, codesNote)}
${section('Input', undefined, table(['input', 'value'], inputRows, 'table-input'))}
<script type="application/json" id="report-data">${json}</script>
<script>${chartJsBundle()}</script>
<script>${REPORT_CHARTS_SCRIPT}</script>
</body>
</html>
`;
}
