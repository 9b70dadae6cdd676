/**
 * The playground in a real headless browser (the system chromium, else the one an npm package ships, driven by
 * playwright-core; no browser download; see test/support/browser-executable.ts):
 * the real app with the real knowledge base, a scenario vignette chosen because it yields a card with facts and a
 * suggestion, rendered cards checked against the raw response the page received, the language switch, and a
 * screenshot in test/.artifacts/playground.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CdsCard, CdsResponse } from '../../src/cds-hooks/types';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import { projectRoot } from '../../src/config/project-root';
import { compileFhirServerAllowlist } from '../../src/fhir/fhir-server-allowlist';
import { loadEngine } from '../../src/knowledge/load-engine';
import type { Engine } from '../../src/pipeline/engine';
import { runService } from '../../src/pipeline/run-service';
import { buildHookRequest } from '../../src/playground/build-request';
import { loadScenarioPatients, type PlaygroundPatient } from '../../src/playground/patients';
import { systemClock } from '../../src/shared/clock';
import { resolveBrowser } from '../support/browser-executable';
import { loadProjectServices } from '../support/project-services';
import { startPlaygroundServer, type PlaygroundServer } from './playground-server';

const ARTIFACTS = join(projectRoot(), 'test', '.artifacts');
const OWN = 'org.hcc-cds';

interface Pick {
  readonly patient: PlaygroundPatient;
  readonly card: CdsCard;
}

function hasFactsAndSuggestion(card: CdsCard): boolean {
  const facts = (card.extension?.[OWN] as { facts?: unknown[] } | undefined)?.facts;
  return Array.isArray(facts) && facts.length > 0 && (card.suggestions ?? []).some((s) => (s.actions ?? []).some((a) => a.resource !== undefined));
}

/** Finds a patient-view vignette whose answer has a card with facts and a suggestion creating a resource. */
async function pickScenario(engine: Engine, patients: readonly PlaygroundPatient[]): Promise<Pick> {
  const services = loadProjectServices();
  for (const patient of patients) {
    if (patient.hook !== 'patient-view') continue;
    const input = patient.input as { resourceType?: string };
    if (input.resourceType !== 'Bundle') continue;
    const service = services.services.find((s) => s.hook === 'patient-view')!;
    const request = buildHookRequest({ hook: 'patient-view', bundle: input, prefetchTemplates: engine.prefetchFor('patient-view'), hookInstance: randomUUID(), userId: 'Practitioner/test', now: new Date() });
    const run = await runService(service, request, {
      engine,
      gatewayFactory: () => { throw new Error('no FHIR'); },
      allowedFhirServers: compileFhirServerAllowlist([]),
      deadlineMs: 10_000,
      fhirDeadlineMs: 1,
      pageCap: 1,
      clock: systemClock,
    }, { language: 'zh-CN' });
    const card = run.response.cards.find(hasFactsAndSuggestion);
    if (card !== undefined) return { patient, card };
  }
  throw new Error('no patient-view scenario yields a card with facts and a resource-creating suggestion');
}

const BROWSER = resolveBrowser();

describe(`playground in headless Chromium (${BROWSER.route} browser)`, () => {
  let server: PlaygroundServer;
  let browser: Browser;
  let page: Page;
  let pick: Pick;

  beforeAll(async () => {
    const engine = loadEngine();
    const patients = loadScenarioPatients({ scenariosDir: join(projectRoot(), 'test', 'scenarios'), now: new Date() });
    pick = await pickScenario(engine, patients);
    server = await startPlaygroundServer(engine, patients);
    browser = await chromium.launch({ executablePath: BROWSER.executablePath, args: BROWSER.args, env: BROWSER.env });
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, locale: 'zh-CN' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const rawResponse = async (): Promise<CdsResponse> => JSON.parse((await page.textContent('#raw-response')) ?? 'null') as CdsResponse;

  it('loads, lists the services and the scenario patients', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    expect(await page.$$eval('#service option', (o) => o.length)).toBe(3);
    expect(await page.$$eval('#patient option', (o) => o.length)).toBeGreaterThan(1);
    expect(await page.textContent('#mode')).toContain('开发');
    expect(errors).toEqual([]);
  });

  it('runs a scenario and renders its cards as the service answered them', async () => {
    await page.selectOption('#patient', pick.patient.id);
    await page.waitForFunction(() => (document.getElementById('input') as HTMLTextAreaElement).value.includes('"Bundle"'));
    expect(await page.$eval('#service', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')).toContain('patient-view');
    await page.click('#send');
    await page.waitForSelector('body[data-cards-rendered]', { timeout: 15_000 });
    expect(await page.textContent('#status')).toMatch(/^HTTP 200/);

    const response = await rawResponse();
    expect(validateCdsResponse(response)).toEqual([]);
    const request = JSON.parse((await page.textContent('#raw-request')) ?? 'null') as { hook: string; prefetch?: object };
    expect(request.hook).toBe('patient-view');
    expect(request.prefetch).toBeDefined();

    const rendered = await page.$$eval('article.card', (cards) =>
      cards.map((c) => ({ uuid: c.getAttribute('data-card-uuid'), summary: c.querySelector('.card-summary')?.textContent, cls: c.className })),
    );
    expect(rendered).toHaveLength(response.cards.length);
    const card = response.cards.find((c) => c.summary === pick.card.summary && hasFactsAndSuggestion(c));
    expect(card).toBeDefined();
    const selector = `article.card[data-card-uuid="${card!.uuid}"]`;
    expect(await page.textContent(`${selector} .card-summary`)).toBe(card!.summary);
    expect(await page.getAttribute(selector, 'class')).toContain(`card--${card!.indicator}`);
    const summaryColour = await page.$eval(`${selector} .card-summary`, (n) => getComputedStyle(n).color);
    expect(summaryColour).not.toBe('rgb(29, 36, 48)'); // coloured by indicator, not body ink

    const fact = ((card!.extension?.[OWN] as { facts: { name: string }[] }).facts)[0]!;
    expect(await page.$(`${selector} tr.fact-row[data-fact="${fact.name}"]`)).not.toBeNull();
    expect(await page.textContent(`${selector} .card-evidence`)).toContain('现有来源未说明');

    const suggestion = card!.suggestions!.find((s) => (s.actions ?? []).some((a) => a.resource !== undefined))!;
    const resource = suggestion.actions!.find((a) => a.resource !== undefined)!.resource!;
    await page.click(`${selector} button.suggestion[data-suggestion-uuid="${suggestion.uuid}"]`);
    const shown = await page.textContent(`${selector} .suggestion-resource`);
    expect(JSON.parse(shown ?? 'null')).toEqual(resource);
    await page.waitForFunction(() => /已记录|recorded/.test(document.getElementById('status')?.textContent ?? ''));
  });

  it('switches to English, re-asking the service with Accept-Language', async () => {
    const before = await rawResponse();
    await page.click('#lang-en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForFunction(
      (old) => (document.getElementById('raw-response')?.textContent ?? '') !== old,
      JSON.stringify(before, null, 2),
      { timeout: 15_000 },
    );
    const after = await rawResponse();
    expect(after.cards.length).toBe(before.cards.length);
    expect(after.cards.map((c) => c.summary)).not.toEqual(before.cards.map((c) => c.summary));
    const first = [...after.cards].sort((a, b) => ['critical', 'warning', 'info'].indexOf(a.indicator) - ['critical', 'warning', 'info'].indexOf(b.indicator))[0]!;
    expect(await page.textContent('article.card .card-summary')).toBe(first.summary);
    expect(await page.textContent('#cards-heading')).toBe('Decision support');

    // Show a suggestion's resource again for the screenshot, then take it.
    const withSuggestion = after.cards.find(hasFactsAndSuggestion)!;
    await page.click(`article.card[data-card-uuid="${withSuggestion.uuid}"] button.suggestion`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'playground.png'))).toBe(true);
  });
});
