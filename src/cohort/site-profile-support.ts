/**
 * Whether this build can apply a site profile (a hospital's own codes, issue 10) when loading the engine. A cohort
 * run asked for a profile it cannot apply stops with a clear message rather than report figures without it.
 */
import type { LoadEngineOptions } from '../knowledge/load-engine';

/** A site profile was requested but the engine loader of this build takes none. */
export class SiteProfileUnsupportedError extends Error {
  constructor(dir: string) {
    super(`--site-profile ${dir}: this build cannot apply site profiles yet (the mapping loader has no siteProfile option; it comes with the site-profile feature)`);
    this.name = 'SiteProfileUnsupportedError';
  }
}

/** The engine options that apply `siteProfileDir`; throws SiteProfileUnsupportedError while the loader takes none. */
export function engineOptionsFor(siteProfileDir: string | undefined): LoadEngineOptions {
  if (siteProfileDir === undefined) return {};
  throw new SiteProfileUnsupportedError(siteProfileDir);
}

/** True when this build applies site profiles. */
export const SITE_PROFILES_SUPPORTED = false;
