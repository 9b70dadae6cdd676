/**
 * The playground mounted in createApp as server.ts mounts it: the page at `/` with its CSP, the dev-token endpoint
 * only when a dev signer is given (development), and tokens from it accepted by the real verifier when its
 * issuer is trusted. Without the playground dependency `/` is a plain 404.
 */
import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createAuthenticate } from '../../src/http/authenticate';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { parseConfig, type TrustedIssuerConfig } from '../../src/config';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { createDevSigner, type DevSigner } from '../../src/playground/dev-signer';
import { playgroundRouter } from '../../src/playground/router';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { createCountingEngine } from '../support/counting-engine';
import { patientViewRequest } from '../support/hook-requests';
import { loadProjectServices } from '../support/project-services';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { NO_FHIR } from '../support/test-app';

const BASE = 'http://playground.test';
const PV = '/cds-services/hcc-consensus-patient-view';

function buildApp(mode: 'development' | 'production' | 'none'): { app: express.Express; devSigner?: DevSigner } {
  const client = createIssuer('https://ehr.test.example');
  const devSigner = mode === 'development' ? createDevSigner() : undefined;
  const issuers: TrustedIssuerConfig[] = [{ iss: client.iss, jwks: client.jwks }];
  if (devSigner !== undefined) issuers.push({ iss: devSigner.issuer, jwks: devSigner.jwks });
  const { config } = parseConfig(
    { trustedIssuers: issuers, allowedFhirServers: [], corsOrigins: [], language: 'en', database: ':memory:', publicBaseUrl: BASE },
    { production: false, origin: 'test' },
  );
  const verifier = createJwtVerifier({ issuers: config.trustedIssuers, clock: systemClock });
  const engine = createCountingEngine();
  const services = loadProjectServices();
  const playground =
    mode === 'none'
      ? undefined
      : playgroundRouter({
          mode,
          ...(devSigner === undefined ? { authenticate: createAuthenticate(verifier, BASE) } : { devSigner }),
          patients: [],
          bodyLimit: config.bodyLimit,
          prefetchTemplates: (hook) => engine.prefetchFor(hook),
          serviceIds: services.services.map((s) => s.id),
          publicBaseUrl: BASE,
        });
  const app = createApp({
    config,
    engine,
    services,
    verifier,
    feedbackStore: openSqliteFeedbackStore(':memory:'),
    gatewayFactory: NO_FHIR,
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    ...(playground === undefined ? {} : { playground }),
    version: '9.9.9-test',
  });
  return devSigner === undefined ? { app } : { app, devSigner };
}

describe('playground mounted in createApp', () => {
  it('GET / serves the page as HTML with a Content-Security-Policy; its assets load', async () => {
    const { app } = buildApp('production');
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toMatch(/<html/i);
    const script = /src="([^"]+\.js)"/.exec(res.text)?.[1];
    expect(script).toBeDefined();
    await request(app).get(script ?? '').expect(200).expect('Content-Type', /javascript/);
  });

  it('production mode (no dev signer): /playground/dev-token and the dev JWKS do not exist', async () => {
    const { app } = buildApp('production');
    const aud = `${BASE}${PV}`;
    const res = await request(app).get(`/playground/dev-token?aud=${encodeURIComponent(aud)}`).expect(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    await request(app).get('/playground/jwks.json').expect(404);
    expect((await request(app).get('/playground/config').expect(200)).body).toMatchObject({ mode: 'production', devTokens: false });
  });

  it('development mode: a dev token minted for the called URL is accepted by the service; the CDS routes still win', async () => {
    const { app, devSigner } = buildApp('development');
    const aud = `${BASE}${PV}`;
    const minted = await request(app).get(`/playground/dev-token?aud=${encodeURIComponent(aud)}`).expect(200);
    expect(minted.body.issuer).toBe(devSigner?.issuer);
    const res = await request(app).post(PV).set('Authorization', `Bearer ${minted.body.token as string}`).send(patientViewRequest()).expect(200);
    expect(Array.isArray(res.body.cards)).toBe(true);
    expect((await request(app).get('/cds-services').expect(200)).body.services.length).toBeGreaterThan(0);
    expect((await request(app).get('/openapi.json').expect(200)).body.info.version).toBe('9.9.9-test');
    expect((await request(app).get('/no-such-route').expect(404)).body.resourceType).toBe('OperationOutcome');
  });

  it('without the playground dependency `/` is a 404 OperationOutcome', async () => {
    const { app } = buildApp('none');
    expect((await request(app).get('/').expect(404)).body.resourceType).toBe('OperationOutcome');
  });
});
