/**
 * Which card language wins when the EHR's Accept-Language and the configured `language` disagree (README
 * § Configuration, `languagePolicy`): by default the request (an EHR knows its user's language), and always the
 * configured one when a hospital sets `languagePolicy: "configured"`. Real engine, real cards, over HTTP.
 */
import request from 'supertest';
import { parseConfig } from '../../src/config';
import { cardLanguage } from '../../src/http/language';
import { loadEngine } from '../../src/knowledge/load-engine';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { patientViewRequest } from '../support/hook-requests';
import { currentFixtureResources } from '../support/current-fixture';
import { buildTestApp } from '../support/test-app';

const resources = currentFixtureResources('patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');
const patientId = 'hcc-iiia-naive';
const engine = loadEngine();
const PV = '/cds-services/hcc-consensus-patient-view';
const HAN = /[\u4e00-\u9fff]/;

async function summaries(config: Record<string, unknown>, acceptLanguage?: string): Promise<string[]> {
  const t = buildTestApp({ engine, config });
  const prefetch = fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId, userId: 'Practitioner/doc' });
  const call = request(t.app).post(PV).set('Authorization', t.auth(PV));
  if (acceptLanguage !== undefined) call.set('Accept-Language', acceptLanguage);
  const res = await call.send(patientViewRequest({ prefetch, context: { userId: 'Practitioner/doc', patientId } })).expect(200);
  const cards = (res.body.cards as { summary: string }[]).map((c) => c.summary);
  expect(cards.length).toBeGreaterThan(0);
  return cards;
}

describe('card language: Accept-Language versus the configured language', () => {
  it('request-first (the default): the EHR\'s Accept-Language wins over the configured language', async () => {
    expect((await summaries({ language: 'zh-CN' }, 'en-US,en;q=0.9')).every((s) => !HAN.test(s))).toBe(true);
    expect((await summaries({ language: 'en', languagePolicy: 'request-first' }, 'zh-CN')).every((s) => HAN.test(s))).toBe(true);
  });

  it('request-first: without a usable Accept-Language the configured language is used', async () => {
    expect((await summaries({ language: 'en' })).every((s) => !HAN.test(s))).toBe(true);
    expect((await summaries({ language: 'en' }, 'fr-FR')).every((s) => !HAN.test(s))).toBe(true);
  });

  it('configured: the configured language wins whatever the EHR asks for', async () => {
    expect((await summaries({ language: 'zh-CN', languagePolicy: 'configured' }, 'en')).every((s) => HAN.test(s))).toBe(true);
    expect((await summaries({ language: 'en', languagePolicy: 'configured' }, 'zh-CN,zh;q=0.9')).every((s) => !HAN.test(s))).toBe(true);
  });

  it('cardLanguage applies the policy; the configuration refuses an unknown policy and defaults to request-first', () => {
    expect(cardLanguage('en', 'zh-CN', 'request-first')).toBe('en');
    expect(cardLanguage('en', 'zh-CN', 'configured')).toBe('zh-CN');
    expect(cardLanguage(undefined, 'en', 'request-first')).toBe('en');
    const base = { trustedIssuers: [{ iss: 'https://sandbox.cds-hooks.org' }], allowedFhirServers: [], corsOrigins: [], language: 'zh-CN', database: ':memory:' };
    expect(parseConfig(base, { production: false, origin: 'test' }).config.languagePolicy).toBe('request-first');
    expect(() => parseConfig({ ...base, languagePolicy: 'ehr' }, { production: false, origin: 'test' })).toThrow(/invalid configuration/);
  });
});
