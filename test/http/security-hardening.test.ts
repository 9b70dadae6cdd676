/**
 * Issue 11 (security hardening) through the real server process: production mode, real sockets, the built
 * dist/src/server.js (run `npm run build` first). One describe per finding.
 */
import { send } from '../../scripts/lib/http-client';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { startRealServer, type RealServer } from '../support/reliability/real-server';

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
