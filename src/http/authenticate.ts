/**
 * CDS Hooks JWT check as express middleware: the verifier decides, this adapter only supplies the header and the
 * audience and records the verified client (iss, tenant) for the request log.
 */
import type { RequestHandler } from 'express';
import { audienceFor } from './audience';

/** A client whose JWT was verified. */
export interface VerifiedClient {
  readonly iss: string;
  readonly jti: string;
  readonly tenant?: string;
}

/** The port the JWT verifier (src/auth/jwt-verifier.ts) satisfies; throws AppError AUTH_INVALID_TOKEN. */
export interface TokenVerifier {
  verify(authorizationHeader: string | undefined, audience: string): Promise<VerifiedClient>;
}

/** Creates the middleware that rejects unauthenticated calls with 401. */
export function createAuthenticate(verifier: TokenVerifier, publicBaseUrl: string | undefined): RequestHandler {
  return async (req, res, next) => {
    const client = await verifier.verify(req.get('authorization'), audienceFor(req, publicBaseUrl));
    res.locals['client'] = client;
    next();
  };
}
