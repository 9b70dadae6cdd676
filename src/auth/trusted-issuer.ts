/**
 * The trust record of one CDS client (EHR) that may call this service.
 * @see https://cds-hooks.hl7.org/2.0/#trusting-cds-clients
 */
import type { JsonWebKey } from 'node:crypto';

/** A JSON Web Key Set (RFC 7517 §5): public signing keys only. */
export interface JsonWebKeySet {
  readonly keys: readonly JsonWebKey[];
}

/** One trusted issuer: its `iss`, where its public keys come from, and the optional audience/tenant it must use. */
export interface TrustedIssuer {
  /** The exact `iss` claim the client puts in its JWTs. */
  readonly iss: string;
  /** Keys pinned out of band (no network needed). */
  readonly jwks?: JsonWebKeySet;
  /** The issuer's JWK Set URL, fetched (and cached) when a `kid` is not pinned. */
  readonly jwksUrl?: string;
  /** `jku` header values this issuer may point to; any other `jku` is refused without a fetch (CDS Hooks 2.0 "SHOULD allowlist jku"). */
  readonly jkuAllowlist?: readonly string[];
  /** An extra accepted `aud` value (EHRs such as Epic set `aud` from manual configuration). */
  readonly audience?: string;
  /** When set, the token's `tenant` claim must equal it. */
  readonly tenant?: string;
}
