/**
 * The scenario patients the playground and the demo FHIR server offer: read from vignette-shaped files (the demo
 * patients in examples/patients by default, or any folder of vignettes such as test/scenarios), each vignette's
 * FHIR input (a Bundle or a CDS Hooks request) taken as is, and, when the vignette has a fixed moment (`at`), its
 * dates moved by whole days so that moment is today for a service running on the wall clock.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { HookName } from '../cds-hooks/types';
import type { Language } from '../pipeline/engine';
import { projectRoot } from '../config/project-root';
import { daysBetween, shiftDates } from '../demo-fhir/shift-dates';

/** The demo patients' folder (examples/patients, written by examples/generate-patients.js); production needs nothing from test/. */
export function examplePatientsDir(): string {
  return join(projectRoot(), 'examples', 'patients');
}

/** One scenario patient as the page lists and loads it. */
export interface PlaygroundPatient {
  /** The vignette's path under the scenarios directory, without extension (URL-safe). */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly hook: HookName;
  /** The vignette's fixed moment, when it has one. */
  readonly at?: string;
  /** Whole days the dates were moved by (0 or absent: unchanged). */
  readonly shiftedDays?: number;
  /** A FHIR Bundle or a CDS Hooks request. */
  readonly input: unknown;
}

/** Options of the loader. */
export interface LoadPatientsOptions {
  readonly scenariosDir: string;
  /** Shift dates so each vignette's `at` is this moment; omit to keep fixture dates. */
  readonly now?: Date;
}

const HOOKS: readonly string[] = ['patient-view', 'order-select', 'order-sign'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

function readStructured(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return extname(path) === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
}

function isFhirInput(value: unknown): boolean {
  return isObject(value) && (value['resourceType'] === 'Bundle' || (typeof value['hook'] === 'string' && isObject(value['context'])));
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** Resolves a vignette's `given` (inline FHIR or a path to a fixture file) to its FHIR input, or undefined. */
function resolveInput(given: unknown, vignettePath: string): unknown {
  if (isFhirInput(given)) return given;
  const file = isObject(given) ? firstString(given, ['fixture', 'file', 'bundle', 'request']) : typeof given === 'string' ? given : undefined;
  if (file === undefined) return undefined;
  // Relative to the vignette, else to any directory above it (e.g. "test/fixtures/x.json" from the project root).
  const candidates: string[] = [];
  for (let dir = dirname(vignettePath); ; dir = dirname(dir)) {
    candidates.push(resolve(dir, file));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (found === undefined) return undefined;
  const input = readStructured(found);
  return isFhirInput(input) ? input : undefined;
}

/** What a vignette says about the call: its FHIR input and, when given, moment, hook, language and selections. */
export interface VignetteInput {
  readonly input: unknown;
  readonly at?: Date;
  readonly hook?: HookName;
  readonly language?: Language;
  readonly selections?: readonly string[];
}

/**
 * A vignette's FHIR input, or undefined when it names none. The vignette's `draftOrders` (test/scenarios format)
 * are appended to a Bundle input as entries; they carry status draft, so they become context.draftOrders.
 */
export function resolveVignetteInput(vignette: unknown, vignettePath: string): VignetteInput | undefined {
  if (!isObject(vignette)) return undefined;
  let input = resolveInput(vignette['given'] ?? vignette['input'] ?? vignette['fixture'], vignettePath);
  if (input === undefined) return undefined;
  const drafts = Array.isArray(vignette['draftOrders']) ? vignette['draftOrders'].filter(isObject) : [];
  if (drafts.length > 0 && isObject(input) && input['resourceType'] === 'Bundle') {
    const entries = Array.isArray(input['entry']) ? input['entry'] : [];
    input = { ...input, entry: [...entries, ...drafts.map((resource) => ({ resource }))] };
  }
  const atValue = vignette['at'];
  const at = atValue instanceof Date ? atValue : typeof atValue === 'string' && !Number.isNaN(Date.parse(atValue)) ? new Date(atValue) : undefined;
  const hook = firstString(vignette, ['hook']);
  const language = firstString(vignette, ['language']);
  const selections = Array.isArray(vignette['selections']) ? vignette['selections'].filter((s): s is string => typeof s === 'string') : [];
  return {
    input,
    ...(at !== undefined ? { at } : {}),
    ...(hook !== undefined && HOOKS.includes(hook) ? { hook: hook as HookName } : {}),
    ...(language === 'zh-CN' || language === 'en' ? { language } : {}),
    ...(selections.length > 0 ? { selections } : {}),
  };
}

/** Loads every vignette with FHIR input; vignettes with only inline facts are not patients and are skipped. */
export function loadScenarioPatients(options: LoadPatientsOptions): PlaygroundPatient[] {
  const patients: PlaygroundPatient[] = [];
  for (const path of walk(options.scenariosDir)) {
    const ext = extname(path);
    if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') continue;
    let vignette: unknown;
    try {
      vignette = readStructured(path);
    } catch {
      continue;
    }
    if (!isObject(vignette)) continue;
    const input = resolveVignetteInput(vignette, path)?.input;
    if (input === undefined) continue;
    const hookValue = firstString(vignette, ['hook']) ?? (isObject(input) && typeof input['hook'] === 'string' ? input['hook'] : 'patient-view');
    if (!HOOKS.includes(hookValue)) continue;
    const id = relative(options.scenariosDir, path).slice(0, -ext.length).split(/[\\/]/).join('--');
    const at = vignette['at'] instanceof Date ? vignette['at'].toISOString() : firstString(vignette, ['at']);
    const days = at !== undefined && options.now !== undefined && !Number.isNaN(Date.parse(at)) ? daysBetween(new Date(at), options.now) : 0;
    const description = firstString(vignette, ['desc', 'description', 'summary']);
    const title = firstString(vignette, ['title', 'name']) ?? basename(path, ext);
    patients.push({
      id,
      title,
      ...(description !== undefined ? { description } : {}),
      hook: hookValue as HookName,
      ...(at !== undefined ? { at } : {}),
      ...(days !== 0 ? { shiftedDays: days } : {}),
      input: shiftDates(input, days),
    });
  }
  return patients;
}
