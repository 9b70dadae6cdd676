/** cds-hooks.md §11 "Security" at the HTTP level (CDS Hooks 2.0 § Trusting CDS Clients). */
import { createHmac, randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { SANDBOX_ISSUER } from '../../src/auth/sandbox-issuer';
import { b64url, createIssuer } from '../../scripts/lib/jwt-signer';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp, TEST_BASE_URL } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';
const AUD = `${TEST_BASE_URL}${PV}`;
const GENERIC_401 = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', details: { text: 'Authentication failed.' } }] };

describe('§11 Security: JWT at the HTTP edge', () => {
  const t = buildTestApp();
  const send = (authorization?: string) => {
    const req = request(t.app).post(PV).send(patientViewRequest());
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const expectRefused = async (authorization?: string) => {
    const res = await send(authorization).expect(401);
    expect(res.body).toEqual(GENERIC_401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  };

  it('a request signed by a freshly generated ES384 key of an issuer configured with an inline JWKS is accepted', async () => {
    const res = await send(`Bearer ${t.client.token(AUD)}`).expect(200);
    expectValidCdsResponse(res.body);
  });

  it('RS384 is accepted too', async () => {
    const rsa = createIssuer('https://rsa-ehr.example', undefined, 'RS384');
    const r = buildTestApp({ client: rsa });
    await request(r.app).post(PV).set('Authorization', `Bearer ${rsa.token(AUD)}`).send(patientViewRequest()).expect(200);
  });

  it('aud may be an array containing the called URL', async () => {
    await send(`Bearer ${t.client.token(['https://other.example', AUD])}`).expect(200);
  });

  it('missing or garbled bearer → 401 whose body reveals nothing', async () => {
    await expectRefused(undefined);
    await expectRefused('Bearer');
    await expectRefused('Bearer not.a.jwt');
    await expectRefused(`Basic ${Buffer.from('a:b').toString('base64')}`);
    await expectRefused(`bearer ${'x'.repeat(12000)}`);
  });

  it('every tampered variant of a valid token is refused', async () => {
    const valid = t.client.token(AUD);
    const [h = '', p = '', s = ''] = valid.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const other = createIssuer(t.client.iss);
    const variants: Record<string, string> = {
      'payload altered (aud kept, exp extended)': `${h}.${b64url({ ...payload, exp: now + 3000 })}.${s}`,
      'signature altered': `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
      'signature removed': `${h}.${p}.`,
      'alg none': `${b64url({ alg: 'none', typ: 'JWT', kid: t.client.kid })}.${p}.`,
      'HS256 with the public key as secret': (() => {
        const header = b64url({ alg: 'HS256', typ: 'JWT', kid: t.client.kid });
        const secret = t.client.publicKey.export({ format: 'pem', type: 'spki' }).toString();
        const mac = createHmac('sha256', secret).update(`${header}.${p}`).digest('base64url');
        return `${header}.${p}.${mac}`;
      })(),
      'header alg switched to RS384': `${b64url({ alg: 'RS384', typ: 'JWT', kid: t.client.kid })}.${p}.${s}`,
      'wrong aud': t.client.token(`${TEST_BASE_URL}/cds-services/hcc-consensus-order-select`),
      'aud of discovery': t.client.token(`${TEST_BASE_URL}/cds-services`),
      'aud with another host': t.client.token(`https://evil.example${PV}`),
      expired: t.client.token(AUD, { iat: now - 900, exp: now - 300 }),
      'nbf in the future': t.client.token(AUD, { nbf: now + 600 }),
      'iat far in the future': t.client.token(AUD, { iat: now + 3600, exp: now + 3900 }),
      'lifetime beyond the maximum': t.client.token(AUD, { exp: now + 24 * 3600 }),
      'no jti': t.client.token(AUD, { jti: undefined }),
      'no exp': t.client.token(AUD, { exp: undefined }),
      'unknown iss': t.client.token(AUD, { iss: 'https://unknown.example' }),
      'unknown kid': t.client.token(AUD, {}, { kid: 'not-a-known-kid' }),
      'another key under the same kid': other.token(AUD, {}, { kid: t.client.kid }),
      'jku not on the allowlist': t.client.token(AUD, {}, { jku: 'https://evil.example/jwks.json' }),
    };
    for (const [name, token] of Object.entries(variants)) {
      const res = await send(`Bearer ${token}`);
      expect([name, res.status]).toEqual([name, 401]);
      expect(res.body).toEqual(GENERIC_401);
    }
  });

  it('a replayed jti (same issuer) is refused', async () => {
    const token = t.client.token(AUD, { jti: randomUUID() });
    await send(`Bearer ${token}`).expect(200);
    await expectRefused(`Bearer ${token}`);
  });

  it('tenant is enforced when the issuer profile requires it', async () => {
    const client = createIssuer('https://tenant-ehr.example');
    const tt = buildTestApp({ client, config: { trustedIssuers: [{ iss: client.iss, jwks: client.jwks, tenant: 'hospital-a' }] } });
    const go = (claims: Record<string, unknown>) => request(tt.app).post(PV).set('Authorization', `Bearer ${client.token(AUD, claims)}`).send(patientViewRequest());
    await go({ tenant: 'hospital-a' }).expect(200);
    await go({ tenant: 'hospital-b' }).expect(401);
    await go({}).expect(401);
  });

  it("a per-issuer configured audience is accepted (EHRs that set aud by configuration)", async () => {
    const client = createIssuer('https://epic-like.example');
    const tt = buildTestApp({ client, config: { trustedIssuers: [{ iss: client.iss, jwks: client.jwks, audience: 'urn:hcc-cds' }] } });
    await request(tt.app).post(PV).set('Authorization', `Bearer ${client.token('urn:hcc-cds')}`).send(patientViewRequest()).expect(200);
  });

  it('aud is the public base URL when configured, else protocol + host of the request', async () => {
    const client = createIssuer('https://ehr.test.example');
    const direct = buildTestApp({ client, config: { publicBaseUrl: undefined } as object });
    const hostAud = (host: string) => `http://${host}${PV}`;
    await request(direct.app).post(PV).set('Host', 'cds.local:3000').set('Authorization', `Bearer ${client.token(hostAud('cds.local:3000'))}`).send(patientViewRequest()).expect(200);
    await request(direct.app).post(PV).set('Host', 'cds.local:3000').set('Authorization', `Bearer ${client.token(AUD)}`).send(patientViewRequest()).expect(401);
  });

  it('aud ignores X-Forwarded-Host/-Proto and the Host header when publicBaseUrl is configured', async () => {
    const spoofed = `https://evil.example${PV}`;
    for (const headers of [{ Host: 'evil.example' }, { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }]) {
      await send(`Bearer ${t.client.token(spoofed)}`).set(headers).expect(401);
      await send(`Bearer ${t.client.token(AUD)}`).set(headers).expect(200);
    }
  });

  it('an absolute-form request target (RFC 9112 §3.2.2) is checked against the path only, not pasted into aud', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const status = (token: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify(patientViewRequest());
        const socket = connect(port, '127.0.0.1');
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', reject);
        socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.write(
          `POST http://evil.example${PV} HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer ${token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    try {
      expect(await status(t.client.token(AUD))).toBe('HTTP/1.1 200 OK');
      expect(await status(t.client.token(`${TEST_BASE_URL}http://evil.example${PV}`))).toBe('HTTP/1.1 401 Unauthorized');
      expect(await status(t.client.token(`http://evil.example${PV}`))).toBe('HTTP/1.1 401 Unauthorized');
    } finally {
      server.close();
    }
  });

  it('the sandbox issuer is refused when the configuration does not list it (production configs)', async () => {
    const forged = jwt.sign(
      { iss: SANDBOX_ISSUER.iss, aud: AUD, jti: randomUUID() },
      t.client.privateKey,
      { algorithm: 'ES384', expiresIn: 300, header: { alg: 'ES384', typ: 'JWT', kid: SANDBOX_ISSUER.jwks?.keys[0]?.kid as string } },
    );
    await expectRefused(`Bearer ${forged}`);
  });

  it('feedback calls are authenticated with aud = the feedback URL', async () => {
    const path = `${PV}/feedback`;
    const body = { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] };
    await request(t.app).post(path).send(body).expect(401);
    await request(t.app).post(path).set('Authorization', `Bearer ${t.client.token(AUD)}`).send(body).expect(401);
    await request(t.app).post(path).set('Authorization', t.auth(path)).send(body).expect(200);
  });

  it('401 comes before body validation and service lookup (nothing learnt without a token)', async () => {
    await expectRefused(undefined);
    const res = await request(t.app).post('/cds-services/unknown').set('Content-Type', 'application/json').send('{bad').expect(401);
    expect(res.body).toEqual(GENERIC_401);
  });
});
