/**
 * report.html in a real headless browser (playwright-core driving the browser the shared resolver picks: Debian
 * chromium, else the packaged one, test/support/browser-executable.ts): opened from disk with every network request refused (it must be self-contained), the Chart.js charts
 * drawn (a Chart instance on each canvas, fed the report's numbers), every number in the tables equal to
 * report.json, and a screenshot in test/.artifacts/cohort-report.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/config/project-root';
import type { CohortReport } from '../../src/cohort/report-types';
import { runCohort } from '../../src/cohort/run-cohort';
import { AT, appendMalformed, cohort, writeExport } from '../cohort/cohort-fixtures';
import { resolveBrowser } from '../support/browser-executable';

const ARTIFACTS = join(projectRoot(), 'test', '.artifacts');

/** What a report cell shows: its number, or "<minCell" when suppressed. */
function shown(value: number | null, minCell: number): string {
  return value === null ? `<${minCell}` : String(value);
}

/** Every table cell the page should show, by its data-cell name, from report.json. */
function expectedCells(r: CohortReport): Map<string, string> {
  const m = r.minCell;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(r.patients)) out.set(`patients.${k}`, shown(v, m));
  for (const b of r.cardsPerPatient) out.set(`cardsPerPatient.${b.cards}`, shown(b.patients, m));
  for (const c of r.cardsByIndicator) {
    out.set(`cardsByIndicator.${c.indicator}.cards`, shown(c.cards, m));
    out.set(`cardsByIndicator.${c.indicator}.patients`, shown(c.patients, m));
  }
  for (const x of r.recommendations) {
    out.set(`recommendations.${x.id}.fired`, shown(x.fired, m));
    out.set(`recommendations.${x.id}.notEvaluable`, shown(x.notEvaluable, m));
    out.set(`recommendations.${x.id}.notApplicable`, shown(x.notApplicable, m));
    out.set(`recommendations.${x.id}.firingRate`, x.firingRate === null ? '–' : `${(x.firingRate * 100).toFixed(1)}%`);
    out.set(`recommendations.${x.id}.notEvaluableRate`, x.notEvaluableRate === null ? '–' : `${(x.notEvaluableRate * 100).toFixed(1)}%`);
  }
  for (const x of r.missingInputs) {
    out.set(`missingInputs.${x.fact}.recommendations`, String(x.recommendationIds.length));
    out.set(`missingInputs.${x.fact}.blocked`, shown(x.blocked, m));
    out.set(`missingInputs.${x.fact}.patients`, shown(x.patients, m));
  }
  for (const x of r.dataIssues) {
    out.set(`dataIssues.${x.code}.issues`, shown(x.issues, m));
    out.set(`dataIssues.${x.code}.patients`, shown(x.patients, m));
  }
  for (const u of r.unrecognisedCodes.rows) {
    out.set(`unrecognisedCodes.${u.resourceType}|${u.system}|${u.code}.occurrences`, shown(u.occurrences, m));
    out.set(`unrecognisedCodes.${u.resourceType}|${u.system}|${u.code}.patients`, shown(u.patients, m));
  }
  out.set('input.files', String(r.input.files));
  out.set('input.lines', String(r.input.lines));
  out.set('input.resources', String(r.input.resources));
  for (const p of r.input.problems) out.set(`input.problems.${p.kind}`, String(p.count));
  return out;
}

describe('report.html in headless Chromium', () => {
  let work: string;
  let report: CohortReport;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hcc-cds-cohort-html-'));
    writeExport(join(work, 'export'), cohort({ hcc: 6, noCondition: 2, noHcc: 3 }));
    appendMalformed(join(work, 'export'));
    const result = await runCohort({ input: join(work, 'export'), outDir: join(work, 'out'), workers: 0, minCell: 5, at: AT });
    report = result.shareable;
    const launch = resolveBrowser();
    browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args, env: launch.env });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const url = pathToFileURL(result.files.html).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url);
    await page.waitForFunction(() => typeof (window as unknown as { cohortChartsDrawn?: number }).cohortChartsDrawn === 'number', undefined, { timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('asks for nothing over the network', () => {
    expect(requests).toEqual([]);
  });

  it('draws the seven charts with Chart.js, each fed the report’s numbers', async () => {
    const charts = await page.evaluate(() => {
      const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: { data: unknown[] }[] } } | undefined }; cohortChartsDrawn: number };
      return {
        drawn: w.cohortChartsDrawn,
        canvases: Array.from(document.querySelectorAll("canvas")).map((c) => {
          const chart = w.Chart.getChart(c);
          return { id: c.id, width: c.width, labels: chart?.data.labels ?? null, data: chart?.data.datasets.map((d) => d.data) ?? null };
        }),
      };
    });
    expect(charts.drawn).toBe(7);
    expect(charts.canvases.map((c) => c.id)).toEqual(['chart-patients', 'chart-cards-per-patient', 'chart-indicators', 'chart-recommendations', 'chart-missing', 'chart-issues', 'chart-unrecognised']);
    for (const c of charts.canvases) expect(c.width).toBeGreaterThan(100);
    const byId = new Map(charts.canvases.map((c) => [c.id, c]));
    const p = report.patients;
    expect(byId.get('chart-patients')?.data).toEqual([[p.read, p.withHccDiagnosis, p.withoutHccDiagnosis, p.hccDiagnosisUnknown]]);
    expect(byId.get('chart-cards-per-patient')?.data).toEqual([report.cardsPerPatient.map((b) => b.patients)]);
    expect(byId.get('chart-recommendations')?.labels).toEqual(report.recommendations.map((r) => r.id));
    expect(byId.get('chart-unrecognised')?.data).toEqual([report.unrecognisedCodes.rows.slice(0, 15).map((u) => u.occurrences)]);
  });

  it('shows every number of report.json in its tables, suppressed cells as <5', async () => {
    const cells = await page.evaluate(() => Array.from(document.querySelectorAll("[data-cell]")).map((e) => [e.getAttribute('data-cell') ?? '', (e.textContent ?? '').trim()] as [string, string]));
    const expected = expectedCells(report);
    expect(new Map(cells)).toEqual(expected);
    expect(cells.length).toBe(expected.size);
    expect(new Map(cells).get('patients.withoutHccDiagnosis')).toBe('<5');
    expect(await page.textContent('h1')).toBe('Cohort readiness report');
  });

  it('leaves a screenshot in test/.artifacts/cohort-report.png', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'cohort-report.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'cohort-report.png'))).toBe(true);
  });
});
