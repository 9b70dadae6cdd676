/**
 * Issue 5 "security matrix replayed under concurrency", against the real server process: a token whose jti
 * is sent on many parallel requests is accepted at most once; distinct jtis sent in parallel are all accepted;
 * tampered tokens fired in parallel are all refused with a 401 OperationOutcome that reveals nothing.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { generateRecord } from '../../scripts/lib/generate-record';
import { buildHookRequest } from '../../scripts/lib/hook-request';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { isOperationOutcome, jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';

jest.setTimeout(60_000);

const PV = 'hcc-consensus-patient-view';
const PARALLEL = 24;

describe('JWT checks under concurrency (real server)', () => {
  let server: RealServer;
  let body: Record<string, unknown>;

  beforeAll(async () => {
    server = await startRealServer();
    const discovery = jsonOf(await server.get('/cds-services')) as { services: { id: string; prefetch?: Record<string, string> }[] };
    const templates = discovery.services.find((s) => s.id === PV)?.prefetch ?? {};
    const record = generateRecord({ size: 60, patientId: 'sec-1' });
    body = buildHookRequest({ hook: 'patient-view', patientId: 'sec-1', resources: record.resources, prefetchTemplates: templates });
  });

  afterAll(async () => {
    await server.dispose();
  });

  const fresh = (): Record<string, unknown> => ({ ...body, hookInstance: randomUUID() });

  it('accepts a replayed jti on exactly one of many parallel hook calls', async () => {
    const token = server.issuer.sign(`${server.baseUrl}/cds-services/${PV}`, { jti: randomUUID() });
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => server.post(`/cds-services/${PV}`, fresh(), { token })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 401)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status === 401)) expect(isOperationOutcome(jsonOf(a))).toBe(true);
  });

  it('accepts a replayed jti on exactly one of many parallel feedback posts', async () => {
    const path = `/cds-services/${PV}/feedback`;
    const token = server.issuer.sign(`${server.baseUrl}${path}`, { jti: randomUUID() });
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        server.post(path, { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] }, { token }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 401)).toEqual([200]);
  });

  it('accepts every one of many parallel calls with distinct jtis', async () => {
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => server.post(`/cds-services/${PV}`, fresh())));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: PARALLEL }, () => 200));
  });

  it('refuses every tampered token fired in parallel, revealing nothing', async () => {
    const url = `${server.baseUrl}/cds-services/${PV}`;
    const now = Math.floor(Date.now() / 1000);
    const key = server.issuer.privateKey;
    const kid = server.issuer.kid;
    const iss = server.issuer.iss;
    const es384 = (payload: Record<string, unknown>): string =>
      jwt.sign(payload, key, { algorithm: 'ES384', header: { alg: 'ES384', typ: 'JWT', kid } });
    const stranger = createIssuer(iss, kid);
    const valid = server.issuer.sign(url);
    const [h, p] = valid.split('.');
    const tampered: Record<string, string> = {
      wrongAud: server.issuer.sign(`${server.baseUrl}/cds-services/hcc-consensus-order-select`),
      expired: es384({ iss, aud: url, iat: now - 4000, exp: now - 3000, jti: randomUUID() }),
      unknownIss: es384({ iss: 'https://evil.example', aud: url, iat: now, exp: now + 60, jti: randomUUID() }),
      noJti: es384({ iss, aud: url, iat: now, exp: now + 60 }),
      otherKeySameKid: stranger.sign(url),
      algNone: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${p ?? ''}.`,
      hs256: jwt.sign({ iss, aud: url, iat: now, exp: now + 60, jti: randomUUID() }, 'secret', { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', kid } }),
      badSignature: `${h ?? ''}.${p ?? ''}.${'A'.repeat(128)}`,
      garbage: 'not-a-jwt',
    };
    const names = Object.keys(tampered);
    const answers = await Promise.all(
      names.flatMap((name) => Array.from({ length: 3 }, () => server.post(`/cds-services/${PV}`, fresh(), { token: tampered[name] ?? '' }).then((a) => ({ name, a })))),
    );
    for (const { name, a } of answers) {
      expect({ name, status: a.status }).toEqual({ name, status: 401 });
      const text = a.body.toString('utf8');
      expect(isOperationOutcome(jsonOf(a))).toBe(true);
      expect(text).not.toMatch(/expired|audience|signature|issuer|jti|replay|alg/i);
    }
  });
});
