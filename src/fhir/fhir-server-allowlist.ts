/**
 * SSRF guard for `fhirServer`: only URLs matching a configured pattern are ever contacted
 * (cds-hooks.md §11 "fhirServer must be on the allowlist"). Patterns glob on host, port and path:
 * `http://127.0.0.1:*`, `https://fhir.example.org/*`, `https://*.example.org/r4/*`.
 */

interface CompiledPattern {
  readonly protocol: string;
  readonly host: RegExp;
  readonly port: RegExp;
  readonly path: RegExp;
}

/** A compiled allowlist; `matches` is cheap enough for every request. */
export interface FhirServerAllowlist {
  matches(url: string): boolean;
}

/** Compiles the patterns once; throws an Error naming a malformed pattern (config validation at start-up). */
export function compileFhirServerAllowlist(patterns: readonly string[]): FhirServerAllowlist {
  const compiled = patterns.map(compilePattern);
  return {
    matches(url: string): boolean {
      const parsed = parseServerUrl(url);
      if (parsed === undefined) return false;
      return compiled.some(
        (p) =>
          p.protocol === parsed.protocol &&
          p.host.test(parsed.hostname) &&
          p.port.test(parsed.port) &&
          p.path.test(parsed.pathname),
      );
    },
  };
}

function parseServerUrl(url: string): { protocol: string; hostname: string; port: string; pathname: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') return undefined;
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  const pathname = decodeURIComponent(u.pathname);
  if (pathname.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return { protocol: u.protocol, hostname: u.hostname.toLowerCase(), port, pathname };
}

function compilePattern(pattern: string): CompiledPattern {
  const m = /^(https?):\/\/([^/:@?#]+)(?::(\*|\d{1,5}))?(\/[^?#]*)?$/i.exec(pattern);
  if (m === null) throw new Error(`fhirServer allowlist pattern is not <http|https>://host[:port][/path]: ${pattern}`);
  const [, scheme = '', host = '', port, path] = m;
  const protocol = `${scheme.toLowerCase()}:`;
  const defaultPort = protocol === 'https:' ? '443' : '80';
  const portRe = port === undefined ? new RegExp(`^${defaultPort}$`) : port === '*' ? /^\d+$/ : new RegExp(`^${Number(port)}$`);
  // Without a path, or with "/*", any path; "/r4" matches exactly "/r4" and "/r4/"; "*" inside a segment stays in it.
  const pathRe =
    path === undefined || path === '/' || path === '/*'
      ? /^\/.*$|^$/
      : path.endsWith('/*')
        ? new RegExp(`^${glob(path.slice(0, -2), '[^/]*')}(?:/.*)?$`)
        : new RegExp(`^${glob(path.replace(/\/$/, ''), '[^/]*')}/?$`);
  return { protocol, host: new RegExp(`^${glob(host.toLowerCase(), '[^.]+')}$`), port: portRe, path: pathRe };
}

function glob(text: string, star: string): string {
  return text
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join(star);
}
