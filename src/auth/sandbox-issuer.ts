/**
 * The public CDS Hooks sandbox as a trusted issuer — development and test only: the matching private key is
 * committed in the sandbox repository, so anyone can mint tokens for this issuer (cds-hooks.md §5).
 */
import type { TrustedIssuer } from './trusted-issuer';

/** The sandbox's JWK Set URL, as sent in its `jku` header (cds-hooks/sandbox src/retrieve-data-helpers/jwt-generator.js). */
export const SANDBOX_JWKS_URL = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';

/**
 * Trust record for `https://sandbox.cds-hooks.org` with its published ES384 public key pinned inline.
 * Key copied from cds-hooks/sandbox `.well-known/jwks.json` at commit c6cc0da41d06884e1ad4f5169c0bcffcd58192f6
 * (kid 44823f3d-0b01-4a6c-a80e-b9d3e8a7226f, the kid jwt-generator.js signs with).
 */
export const SANDBOX_ISSUER: TrustedIssuer = {
  iss: 'https://sandbox.cds-hooks.org',
  jwks: {
    keys: [
      {
        kty: 'EC',
        use: 'sig',
        crv: 'P-384',
        kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f',
        x: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB',
        y: 'Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy',
        alg: 'ES384',
      },
    ],
  },
  jkuAllowlist: [SANDBOX_JWKS_URL],
};
