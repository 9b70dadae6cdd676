import type { Request } from 'express';

/** The scheme and authority of an absolute-form request target (RFC 9112 §3.2.2), e.g. `http://host:80`. */
const ABSOLUTE_FORM_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The exact URL the client called, which a CDS client puts in the JWT `aud` (CDS Hooks 2.0 § Trusting CDS Clients):
 * the configured public base URL (behind proxies) or protocol + host of the request, plus the path, without query.
 * The path is taken without the scheme and authority of an absolute-form target, as the router does, so the
 * request line cannot paste arbitrary text into the audience; it is not otherwise normalised.
 */
export function audienceFor(req: Request, publicBaseUrl: string | undefined): string {
  const target = req.originalUrl.replace(ABSOLUTE_FORM_PREFIX, '');
  const path = target.split('?')[0] ?? '';
  const base = publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
