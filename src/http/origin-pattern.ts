/**
 * The `corsOrigins` patterns: `*`, an exact origin (`https://sandbox.cds-hooks.org`, `http://localhost:8080`) or an
 * origin with any port (`http://localhost:*`, `http://[::1]:*`). Origins are compared as the browser serialises
 * them (RFC 6454 § 6.2: scheme, host, port; the scheme's default port is omitted), case-insensitively.
 */

/** One compiled pattern. */
export interface OriginPattern {
  readonly text: string;
  matches(origin: string): boolean;
}

const PATTERN = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\*|\d{1,5}))?$/i;
const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };

interface Parts {
  readonly scheme: string;
  readonly host: string;
  /** The explicit port, '' for the scheme's default. */
  readonly port: string;
}

function parseOrigin(origin: string): Parts | undefined {
  const m = PATTERN.exec(origin);
  if (m === null || m[3] === '*') return undefined;
  const scheme = m[1]!.toLowerCase();
  const port = m[3] === undefined || m[3] === DEFAULT_PORT[scheme] ? '' : String(Number(m[3]));
  return { scheme, host: m[2]!.toLowerCase(), port };
}

/** Compiles one pattern; throws an Error saying what is wrong with a malformed one. */
export function compileOriginPattern(text: string): OriginPattern {
  if (text === '*') return { text, matches: () => true };
  const m = PATTERN.exec(text);
  if (m === null) throw new Error(`"${text}" is not an origin pattern (scheme://host, scheme://host:port or scheme://host:*; no path)`);
  const anyPort = m[3] === '*';
  const want = anyPort ? { scheme: m[1]!.toLowerCase(), host: m[2]!.toLowerCase(), port: '*' } : parseOrigin(text)!;
  return {
    text,
    matches(origin) {
      const got = parseOrigin(origin);
      return got !== undefined && got.scheme === want.scheme && got.host === want.host && (anyPort || got.port === want.port);
    },
  };
}
