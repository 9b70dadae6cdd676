/**
 * The site profile of a cohort run (a hospital's own codes, README "Deploying at a hospital"): passed to the
 * engine loader and to the unrecognised-code finder exactly as the service applies it, and checked once on the
 * main thread before any work so that a bad profile is one clear error (with file and line) rather than a failure
 * in every worker.
 */
import { resolve } from 'node:path';
import type { LoadEngineOptions } from '../knowledge/load-engine';
import { loadMappings } from '../mapping/load-mappings';
import { BootError } from '../shared/errors';

/** A site profile that does not load (problems name the profile's file and line). */
export class SiteProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteProfileError';
  }
}

/** The engine options that apply `siteProfileDir` (none without one). */
export function engineOptionsFor(siteProfileDir: string | undefined): LoadEngineOptions {
  return siteProfileDir === undefined ? {} : { siteProfile: resolve(siteProfileDir) };
}

/** Loads the profile over the shipped mappings; returns its name and boot notices; throws SiteProfileError. */
export function checkSiteProfile(siteProfileDir: string): { readonly name: string; readonly notices: readonly string[] } {
  try {
    const mappings = loadMappings(undefined, { siteProfile: resolve(siteProfileDir) });
    return { name: mappings.siteProfile?.name ?? siteProfileDir, notices: mappings.siteProfile?.notices ?? [] };
  } catch (error) {
    if (error instanceof BootError) throw new SiteProfileError(`--site-profile ${siteProfileDir}: ${error.message}`);
    throw error;
  }
}
