import { compileFhirServerAllowlist } from '../../src/fhir/fhir-server-allowlist';
import { isUnderBase } from '../../src/fhir/fhir-gateway';

const allow = compileFhirServerAllowlist(['http://127.0.0.1:*', 'https://fhir.example.org/*', 'https://*.hospital.org/r4']);

describe('fhirServer allowlist (SSRF guard)', () => {
  it.each([
    'http://127.0.0.1:8080/fhir',
    'http://127.0.0.1:3001',
    'http://127.0.0.1',
    'https://fhir.example.org/r4',
    'https://fhir.example.org',
    'https://FHIR.example.org:443/r4/',
    'https://ehr.hospital.org/r4',
    'https://ehr.hospital.org/r4/',
  ])('allows %s', (url) => expect(allow.matches(url)).toBe(true));

  it.each([
    'https://127.0.0.1:8080/fhir',
    'http://localhost:8080',
    'http://user:pw@127.0.0.1:8080/fhir',
    'https://user@fhir.example.org/r4',
    'http://fhir.example.org/r4',
    'https://fhir.example.org:8443/r4',
    'https://fhir.example.org.evil.com/r4',
    'https://evil.com/fhir.example.org/',
    'https://a.b.hospital.org/r4',
    'https://ehr.hospital.org/r4/../admin',
    'https://ehr.hospital.org/r4x',
    'https://ehr.hospital.org/r4?x=1',
    'file:///etc/passwd',
    'ftp://fhir.example.org/',
    'javascript:alert(1)',
    'not a url',
    '',
  ])('refuses %s', (url) => expect(allow.matches(url)).toBe(false));

  it('refuses malformed patterns at start-up', () => {
    expect(() => compileFhirServerAllowlist(['fhir.example.org'])).toThrow(/pattern/);
    expect(() => compileFhirServerAllowlist(['https://u@x.org/'])).toThrow(/pattern/);
  });

  it('an empty allowlist allows nothing', () => {
    expect(compileFhirServerAllowlist([]).matches('https://fhir.example.org/')).toBe(false);
  });
});

describe('isUnderBase (next links and bearer scope)', () => {
  it.each([
    ['https://f.org/r4/Observation?page=2', 'https://f.org/r4', true],
    ['https://f.org/r4?_getpages=x', 'https://f.org/r4/', true],
    ['https://f.org/r4x/Observation', 'https://f.org/r4', false],
    ['https://evil.org/r4/Observation', 'https://f.org/r4', false],
    ['http://f.org/r4/Observation', 'https://f.org/r4', false],
    ['https://u:p@f.org/r4/Observation', 'https://f.org/r4', false],
    ['garbage', 'https://f.org/r4', false],
  ])('%s under %s → %s', (url, base, expected) => expect(isUnderBase(url, base)).toBe(expected));
});
