import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, type ConfigFile } from '../../src/config';
import { SANDBOX_ISSUER } from '../../src/auth/sandbox-issuer';
import { BootError } from '../../src/shared/errors';
import { createIssuer } from '../../scripts/lib/jwt-signer';

const client = createIssuer('https://ehr.example.org');
const valid: ConfigFile = {
  trustedIssuers: [{ iss: client.iss, jwks: client.jwks }],
  allowedFhirServers: ['https://fhir.example.org/*'],
  corsOrigins: ['https://ehr.example.org'],
  language: 'en',
  database: 'var/feedback.sqlite',
};

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof BootError) return error.problems;
    throw error;
  }
  throw new Error('expected a BootError');
}

function writeConfig(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, content);
  return path;
}

describe('configuration contract (HCC_CDS_CONFIG)', () => {
  it('accepts a valid file, applies defaults, resolves the database path and freezes the result', () => {
    const { config, warnings } = parseConfig({ ...valid, publicBaseUrl: 'https://cds.example.org/' }, { production: true, origin: 'test', baseDir: '/srv/hcc' });
    expect(config.publicBaseUrl).toBe('https://cds.example.org');
    expect(config.database).toBe('/srv/hcc/var/feedback.sqlite');
    expect(config.bodyLimit).toBe('1mb');
    expect(config.deadlineMs).toBe(3000);
    expect(config.fhirDeadlineMs).toBeLessThanOrEqual(config.deadlineMs);
    expect(config.pageCap).toBe(5);
    expect(config.requireAuthOnDiscovery).toBe(false);
    expect(config.trustedIssuers[0]?.jwks).toEqual(client.jwks);
    expect(warnings).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.trustedIssuers[0])).toBe(true);
    expect(() => (config.allowedFhirServers as string[]).push('http://evil')).toThrow();
  });

  it('FHIR response caps: 20 MB per body by default, the total defaulting to the body cap; both configurable', () => {
    const defaults = parseConfig(valid, { production: false, origin: 't' }).config;
    expect([defaults.fhirMaxBodyBytes, defaults.fhirMaxTotalBytes]).toEqual([20_000_000, 20_000_000]);
    const body = parseConfig({ ...valid, fhirMaxBodyBytes: 5_000_000 }, { production: false, origin: 't' }).config;
    expect([body.fhirMaxBodyBytes, body.fhirMaxTotalBytes]).toEqual([5_000_000, 5_000_000]);
    const both = parseConfig({ ...valid, fhirMaxBodyBytes: 5_000_000, fhirMaxTotalBytes: 12_000_000 }, { production: false, origin: 't' }).config;
    expect([both.fhirMaxBodyBytes, both.fhirMaxTotalBytes]).toEqual([5_000_000, 12_000_000]);
  });

  it('refuses FHIR caps out of range, fractional, or a total below the body cap', () => {
    expect(problemsOf(() => parseConfig({ ...valid, fhirMaxBodyBytes: 10, fhirMaxTotalBytes: 2048.5 } as unknown as ConfigFile, { production: false, origin: 't' }))).toEqual([
      'fhirMaxBodyBytes must be >= 1024',
      'fhirMaxTotalBytes must be integer',
    ]);
    expect(problemsOf(() => parseConfig({ ...valid, fhirMaxTotalBytes: 1_000_000 }, { production: false, origin: 't' }))).toEqual([
      'fhirMaxTotalBytes (1000000) must be at least fhirMaxBodyBytes (20000000): one response may use the whole budget',
    ]);
  });

  it('lists every problem of a bad file in one BootError', () => {
    const problems = problemsOf(() =>
      parseConfig(
        { trustedIssuers: [], allowedFhirServers: ['ftp://x'], corsOrigins: ['https://a/b'], language: 'fr', colour: 'red' },
        { production: false, origin: 'test' },
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'database is required',
        'colour is not a known setting',
        'trustedIssuers must NOT have fewer than 1 items',
        expect.stringMatching(/^allowedFhirServers\.0 /),
        expect.stringMatching(/^corsOrigins\.0 /),
        expect.stringMatching(/^language /),
      ]),
    );
  });

  it('refuses an issuer without keys (other than the sandbox) and duplicate issuers', () => {
    expect(problemsOf(() => parseConfig({ ...valid, trustedIssuers: [{ iss: 'https://x.example' }] }, { production: false, origin: 't' }))).toEqual([
      'trustedIssuers[0] (https://x.example) needs "jwks" (inline JWK Set) or "jwksUrl"',
    ]);
    const twice = { ...valid, trustedIssuers: [valid.trustedIssuers[0]!, valid.trustedIssuers[0]!] };
    expect(problemsOf(() => parseConfig(twice, { production: false, origin: 't' }))[0]).toMatch(/listed twice/);
  });

  it('refuses a malformed fhirServer allowlist pattern', () => {
    const bad = { ...valid, allowedFhirServers: ['https://user@fhir.example.org/*'] };
    expect(problemsOf(() => parseConfig(bad, { production: false, origin: 't' }))[0]).toMatch(/^allowedFhirServers\[0\]/);
  });

  it('in production, allows plain-http FHIR servers only on loopback (CDS Hooks 2.0: https for production data)', () => {
    const remote = { ...valid, allowedFhirServers: ['http://fhir.example.org/*', 'http://127.0.0.1:*', 'http://localhost:8080/fhir/*'] };
    const problems = problemsOf(() => parseConfig(remote, { production: true, origin: 't' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^allowedFhirServers\[0\]: plain http .* loopback/);
    expect(() => parseConfig(remote, { production: false, origin: 't' })).not.toThrow();
  });

  it('warns in production when publicBaseUrl is missing (aud would follow the Host header)', () => {
    expect(parseConfig(valid, { production: true, origin: 't' }).warnings.some((w) => /publicBaseUrl/.test(w))).toBe(true);
    expect(parseConfig({ ...valid, publicBaseUrl: 'https://cds.example.org' }, { production: true, origin: 't' }).warnings.some((w) => /publicBaseUrl/.test(w))).toBe(false);
  });

  it('refuses out-of-range numbers and a bad body limit', () => {
    const problems = problemsOf(() => parseConfig({ ...valid, deadlineMs: 5, pageCap: 0, bodyLimit: 'lots' }, { production: false, origin: 't' }));
    expect(problems).toHaveLength(3);
  });

  it('uses the development defaults without a file outside production, trusting the sandbox with a loud warning', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hcc-cds-cwd-'));
    const { config, warnings } = loadConfig({ production: false, cwd });
    expect(config.trustedIssuers.map((i) => i.iss)).toEqual([SANDBOX_ISSUER.iss]);
    expect(config.trustedIssuers[0]?.jwks).toEqual(SANDBOX_ISSUER.jwks);
    expect(config.corsOrigins).toEqual(['https://sandbox.cds-hooks.org', 'http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(config.languagePolicy).toBe('request-first');
    expect(config.allowedFhirServers).toContain('https://launch.smarthealthit.org/*');
    expect(config.database).toBe(join(cwd, 'data', 'hcc-cds.sqlite'));
    expect(warnings.some((w) => w.startsWith('SECURITY') && w.includes('sandbox'))).toBe(true);
  });

  it('accepts origin patterns with a port wildcard and refuses malformed ones, naming the entry', () => {
    expect(parseConfig({ ...valid, corsOrigins: ['http://localhost:*', 'http://[::1]:*', 'https://ehr.example.org:8443'] }, { production: false, origin: 't' }).config.corsOrigins).toHaveLength(3);
    expect(problemsOf(() => parseConfig({ ...valid, corsOrigins: ['http://localhost:**', 'http://a:b:c'] }, { production: false, origin: 't' }))).toEqual([
      expect.stringMatching(/^corsOrigins\[0\]: "http:\/\/localhost:\*\*" is not an origin pattern/),
      expect.stringMatching(/^corsOrigins\[1\]: /),
    ]);
  });

  it('languagePolicy is request-first or configured', () => {
    expect(parseConfig({ ...valid, languagePolicy: 'configured' }, { production: false, origin: 't' }).config.languagePolicy).toBe('configured');
    expect(problemsOf(() => parseConfig({ ...valid, languagePolicy: 'ehr' } as unknown as ConfigFile, { production: false, origin: 't' }))).toEqual([expect.stringMatching(/^languagePolicy /)]);
  });

  it('refuses to start in production without a configuration file', () => {
    expect(problemsOf(() => loadConfig({ production: true }))[0]).toMatch(/HCC_CDS_CONFIG/);
  });

  it('does not trust the sandbox in production unless the file lists it, and warns when it does', () => {
    const { config } = loadConfig({ production: true, path: writeConfig(JSON.stringify(valid)) });
    expect(config.trustedIssuers.map((i) => i.iss)).toEqual([client.iss]);
    const withSandbox = { ...valid, trustedIssuers: [...valid.trustedIssuers, { iss: 'https://sandbox.cds-hooks.org' }] };
    const loaded = loadConfig({ production: true, path: writeConfig(JSON.stringify(withSandbox)) });
    expect(loaded.config.trustedIssuers[1]?.jwks).toEqual(SANDBOX_ISSUER.jwks);
    expect(loaded.warnings.some((w) => w.includes('sandbox'))).toBe(true);
  });

  it('siteProfile: a folder resolved like the database path; absent by default; an empty string is refused', () => {
    expect(parseConfig(valid, { production: false, origin: 't' }).config.siteProfile).toBeUndefined();
    expect(parseConfig({ ...valid, siteProfile: 'profiles/hospital-a' }, { production: true, origin: 't', baseDir: '/srv/hcc' }).config.siteProfile).toBe('/srv/hcc/profiles/hospital-a');
    expect(parseConfig({ ...valid, siteProfile: '/etc/hcc/profile' }, { production: true, origin: 't', baseDir: '/srv/hcc' }).config.siteProfile).toBe('/etc/hcc/profile');
    expect(problemsOf(() => parseConfig({ ...valid, siteProfile: '' }, { production: false, origin: 't' }))).toEqual([expect.stringContaining('siteProfile')]);
  });

  it('reports an unreadable or non-JSON file clearly', () => {
    expect(() => loadConfig({ production: true, path: '/nonexistent/hcc.json' })).toThrow(/cannot read configuration/);
    expect(() => loadConfig({ production: true, path: writeConfig('{ not json') })).toThrow(/not valid JSON/);
  });
});
