/**
 * The embedded configuration used when no HCC_CDS_CONFIG is given and NODE_ENV is not "production":
 * enough to run `npm start` and try the service from the public CDS Hooks sandbox (cds-hooks.md §5).
 */
import type { ConfigFile } from '../config';

/** The issuer of the public CDS Hooks sandbox; its signing key is public, so it is trusted in development only. */
export const SANDBOX_ISS = 'https://sandbox.cds-hooks.org';

/** Development defaults (never used in production). */
export const DEVELOPMENT_DEFAULTS: ConfigFile = {
  trustedIssuers: [{ iss: SANDBOX_ISS }],
  allowedFhirServers: [
    'http://127.0.0.1:*',
    'http://localhost:*',
    'https://launch.smarthealthit.org/*',
  ],
  // The public sandbox page and a sandbox (or any page) served from this machine on any port.
  corsOrigins: ['https://sandbox.cds-hooks.org', 'http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
  language: 'zh-CN',
  database: './data/hcc-cds.sqlite',
};
