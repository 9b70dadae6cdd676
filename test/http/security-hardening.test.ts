/**
 * Issue 11 (security hardening) through the real server process: production mode, real sockets, the built
 * dist/src/server.js (run `npm run build` first). One describe per finding.
 */
import { send } from '../../scripts/lib/http-client';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';
import { serveCards } from '../support/reliability/serve-cards';

jest.setTimeout(60_000);

describe('replay protection cannot be turned into a lock-out (jti partitioned by issuer)', () => {
  const noisy = createIssuer('https://noisy-ehr.example');
  const quiet = createIssuer('https://quiet-ehr.example');
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer({
      config: {
        trustedIssuers: [
          { iss: noisy.iss, jwks: noisy.jwks },
          { iss: quiet.iss, jwks: quiet.jwks },
        ],
        jtiEntriesPerIssuer: 5,
        jwtMaxLifetimeSeconds: 300,
      },
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const SUMMARY = '/cds-services/hcc-consensus-patient-view/feedback/summary';
  const summary = (token: string) => send(undefined, { method: 'GET', url: `${server.baseUrl}${SUMMARY}`, headers: { authorization: `Bearer ${token}` } });

  it('one issuer filling its partition is refused; another issuer is still served', async () => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await summary(noisy.sign(url))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 401, 401, 401]);
    for (let i = 0; i < 4; i += 1) expect((await summary(quiet.sign(url))).status).toBe(200);
  });

  it('a replayed token is refused; a token living longer than jwtMaxLifetimeSeconds is refused', async () => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const token = quiet.sign(url);
    expect((await summary(token)).status).toBe(200);
    expect((await summary(token)).status).toBe(401);
    expect((await summary(quiet.sign(url, { expiresInS: 301 }))).status).toBe(401);
  });
});

describe('feedback belongs to its caller', () => {
  const other = createIssuer('https://other-ehr.example');
  const reader = createIssuer('https://quality-office.example');
  let server: RealServer;
  const FB = '/cds-services/hcc-consensus-patient-view/feedback';
  const SUMMARY = `${FB}/summary`;
  beforeAll(async () => {
    server = await startRealServer({ alsoTrust: [other, reader], config: { feedbackReaderIssuers: [reader.iss] } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const feedbackAs = (client: typeof other, card: string, tenant?: string) =>
    server.post(
      FB,
      {
        feedback: [
          {
            card,
            outcome: 'overridden',
            outcomeTimestamp: new Date().toISOString(),
            overrideReason: { reason: { system: 'urn:test:reasons', code: 'declined', display: 'Mr Wang declined' }, userComment: 'Mr Wang, bed 12' },
          },
        ],
      },
      { token: client.sign(`${server.baseUrl}${FB}`, tenant === undefined ? {} : { tenant }) },
    );
  const summaryAs = async (client: typeof other, tenant?: string) => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const a = await send(undefined, { method: 'GET', url, headers: { authorization: `Bearer ${client.sign(url, tenant === undefined ? {} : { tenant })}` } });
    expect(a.status).toBe(200);
    return jsonOf(a) as { recommendations: { recommendationId: string; served: number; overridden: number; topOverrideReasons?: { code: string; display?: string }[] }[] };
  };

  it('stores feedback only from the issuer and tenant the card was served to; others get unknownCards', async () => {
    const [card] = await serveCards(server, server.issuer, 'ward-a');
    const fromOther = await feedbackAs(other, card as string);
    expect([fromOther.status, jsonOf(fromOther)]).toEqual([200, { stored: 0, duplicates: 0, unknownCards: 1 }]);
    const otherTenant = await feedbackAs(server.issuer, card as string, 'ward-b');
    expect(jsonOf(otherTenant)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const noTenant = await feedbackAs(server.issuer, card as string);
    expect(jsonOf(noTenant)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const otherService = await server.post('/cds-services/hcc-consensus-order-sign/feedback', { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] }, {
      token: server.issuer.sign(`${server.baseUrl}/cds-services/hcc-consensus-order-sign/feedback`, { tenant: 'ward-a' }),
    });
    expect(jsonOf(otherService)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const mine = await feedbackAs(server.issuer, card as string, 'ward-a');
    expect(jsonOf(mine)).toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
  });

  it("the summary holds only the caller's own cards and no free text; a configured reader sees every caller and display", async () => {
    await serveCards(server, other);
    const own = await summaryAs(server.issuer, 'ward-a');
    expect(own.recommendations.length).toBeGreaterThan(0);
    expect(own.recommendations.some((r) => r.overridden === 1)).toBe(true);
    expect(JSON.stringify(own)).not.toMatch(/Wang|bed 12/);
    expect(own.recommendations.flatMap((r) => r.topOverrideReasons ?? [])).toContainEqual({ system: 'urn:test:reasons', code: 'declined', cards: 1 });
    const theirs = await summaryAs(other);
    expect(theirs.recommendations.every((r) => r.overridden === 0)).toBe(true);
    expect(await summaryAs(server.issuer, 'ward-b')).toMatchObject({ recommendations: [] });
    const all = await summaryAs(reader);
    const served = (s: typeof all) => s.recommendations.reduce((n, r) => n + r.served, 0);
    expect(served(all)).toBe(served(own) + served(theirs));
    expect(JSON.stringify(all)).toContain('Mr Wang declined');
    expect(JSON.stringify(all)).not.toContain('bed 12');
  });

  it('a feedback request over any length limit is a 400 OperationOutcome', async () => {
    const a = await server.post(FB, { feedback: [{ card: 'c'.repeat(200), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] });
    expect(a.status).toBe(400);
    expect((jsonOf(a) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });
});
