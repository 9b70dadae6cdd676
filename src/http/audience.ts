import type { Request } from 'express';

/**
 * The exact URL the client called, which a CDS client puts in the JWT `aud` (CDS Hooks 2.0 § Trusting CDS Clients):
 * the configured public base URL (behind proxies) or protocol + host of the request, plus the path, without query.
 */
export function audienceFor(req: Request, publicBaseUrl: string | undefined): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const base = publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return `${base}${path}`;
}
