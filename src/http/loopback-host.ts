/**
 * Development mode serves one developer's machine: a request whose `Host` is not a loopback name is refused, so a
 * web page cannot reach the service through a DNS name rebound to 127.0.0.1 (DNS rebinding, issue 11).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../shared/errors';

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]` (RFC 6761 §6.3; RFC 1122 §3.2.1.3). */
export function isLoopbackHostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]' || name === '::1';
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), lower-cased; undefined when malformed. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 255) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header.trim());
  return m?.[1]?.toLowerCase();
}

/** Refuses (403) a request whose Host is neither a loopback name nor one of `extraNames`. */
export function createLoopbackHostCheck(extraNames: readonly string[] = []): RequestHandler {
  const extra = new Set(extraNames.map((n) => n.toLowerCase()));
  return (req, _res, next) => {
    const name = hostNameOf(req.get('host'));
    if (name !== undefined && (isLoopbackHostName(name) || extra.has(name))) {
      next();
      return;
    }
    next(new AppError('HOST_NOT_ALLOWED', 'In development mode this service answers only requests addressed to a loopback host name (localhost, 127.0.0.1, [::1]).'));
  };
}
