/**
 * `npm run burden` (issue 9; a measurement, not a timed test): evaluates every vignette under test/scenarios
 * through the real engine (real mappings and knowledge base, each vignette's clock and language) and prints the
 * alert-burden figures: median and max cards per patient-view, the share of data-gap cards, critical cards per
 * hook (order-select / order-sign vignettes too) and cards per recommendation, against the targets.
 * Options: --json (print the figures as JSON), --check (exit 1 when a target is missed).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import { parse } from 'yaml';
import type { HookName } from '../src/cds-hooks/types';
import { loadEngine } from '../src/knowledge/load-engine';
import type { HookInput, Language } from '../src/pipeline/engine';
import { burdenFigures, burdenMarkdown, type BurdenSample } from './lib/burden-stats';
import { repoRoot } from './lib/repo-root';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(name) ? [p] : [];
    });
}

/** The engine input of one vignette file (test/scenarios format). */
function inputOf(root: string, file: string): HookInput {
  const doc = parse(readFileSync(file, 'utf8')) as { hook: HookName; at: string; language?: Language; given: { fixture: string }; draftOrders?: FhirResource[]; selections?: string[] };
  const bundle = JSON.parse(readFileSync(path.join(root, doc.given.fixture), 'utf8')) as Bundle;
  const resources = (bundle.entry ?? []).flatMap((e) => (e.resource !== undefined ? [e.resource as FhirResource] : []));
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? 'unknown';
  const context = {
    userId: 'Practitioner/burden',
    patientId,
    ...(doc.draftOrders !== undefined ? { draftOrders: { resourceType: 'Bundle' as const, type: 'collection' as const, entry: doc.draftOrders.map((resource) => ({ resource })) } } : {}),
    ...(doc.selections !== undefined ? { selections: doc.selections } : {}),
  };
  return { serviceId: 'hcc-consensus', hook: doc.hook, hookInstance: `burden-${path.basename(file)}`, patientId, context, resources, dataIssues: [], now: new Date(doc.at), language: doc.language ?? 'en' };
}

function main(): void {
  const root = repoRoot(__dirname);
  const engine = loadEngine();
  const dir = path.join(root, 'test', 'scenarios');
  const samples: BurdenSample[] = walk(dir).map((file) => {
    const input = inputOf(root, file);
    return { name: path.relative(dir, file), hook: input.hook, cards: engine.evaluate(input).cards };
  });
  const figures = burdenFigures(samples);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else process.stdout.write(`Alert burden over ${samples.length} vignettes (${figures.patientViews} patient-view), knowledge base ${engine.kbVersion}\n\n${burdenMarkdown(figures)}\n`);
  const allMet = figures.met.median && figures.met.dataGapShare && figures.met.noCriticalInPatientView;
  if (process.argv.includes('--check') && !allMet) process.exitCode = 1;
}

main();
