/**
 * `hcc-cds evaluate <file>`: runs one hook call offline through the same pipeline as the HTTP service
 * (runService: prefetch → facts → consensus → cards) and prints the cards, the facts they used and what could not
 * be evaluated. The file is a FHIR Bundle (a patient record; draft orders are MedicationRequest/ServiceRequest with
 * status draft), a CDS Hooks request, or a scenario vignette naming one of those.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CdsCard, CdsRequest, CdsResponse, HookName } from '../../cds-hooks/types';
import { validateHookRequest } from '../../cds-hooks/validator';
import { projectRoot } from '../../config/project-root';
import { loadEngine } from '../../knowledge/load-engine';
import type { Language } from '../../pipeline/engine';
import { runService } from '../../pipeline/run-service';
import { compileFhirServerAllowlist } from '../../fhir/fhir-server-allowlist';
import { buildHookRequest } from '../../playground/build-request';
import { resolveVignetteInput, type VignetteInput } from '../../playground/patients';
import { loadServiceRegistry } from '../../services/registry';
import { fixedClock, systemClock } from '../../shared/clock';
import { AppError, BootError } from '../../shared/errors';
import { EXIT, type CliCommand, type CliIo } from '../main';

const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];
const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
const OWN = 'org.hcc-cds';

const USAGE = `usage: hcc-cds evaluate <file> [--hook patient-view|order-select|order-sign] [--lang zh-CN|en] [--json] [--at ISO-8601] [--site-profile DIR]

  <file>   a FHIR Bundle (one patient's record; draft orders = MedicationRequest/ServiceRequest with status "draft"),
           a CDS Hooks request, or a scenario vignette (YAML/JSON with "given")
  --hook   the hook to call for a Bundle (default patient-view; a request carries its own)
  --lang   card language (default: the vignette's "language", else zh-CN)
  --json   print the CDS Hooks response as JSON instead of text
  --at     evaluate as of this instant (default: the vignette's "at", else now)
  --site-profile  a site-profile folder merged over fhir-mappings/ (README "Deploying at a hospital")

exit codes: 0 evaluated (with or without cards), 1 internal failure, 2 usage error, 3 unreadable or invalid input
`;

interface Options {
  readonly file: string;
  readonly hook?: HookName;
  readonly language?: Language;
  readonly json: boolean;
  readonly at?: Date;
  readonly siteProfile?: string;
}

class UsageError extends Error {}
class InputError extends Error {}

function parseArgs(args: readonly string[]): Options {
  let file: string | undefined;
  let hook: HookName | undefined;
  let language: Language | undefined;
  let json = false;
  let at: Date | undefined;
  let siteProfile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--hook': {
        const v = value();
        if (!(HOOKS as readonly string[]).includes(v)) throw new UsageError(`--hook must be one of ${HOOKS.join(', ')}`);
        hook = v as HookName;
        break;
      }
      case '--lang': {
        const v = value();
        if (!(LANGUAGES as readonly string[]).includes(v)) throw new UsageError(`--lang must be one of ${LANGUAGES.join(', ')}`);
        language = v as Language;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--site-profile':
        siteProfile = value();
        break;
      case '--at': {
        const v = value();
        if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v))) throw new UsageError('--at must be an ISO 8601 date or date-time');
        at = new Date(v);
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (file !== undefined) throw new UsageError('give exactly one file');
        file = arg;
    }
  }
  if (file === undefined) throw new UsageError('missing <file>');
  return { file, json, ...(language !== undefined ? { language } : {}), ...(hook !== undefined ? { hook } : {}), ...(at !== undefined ? { at } : {}), ...(siteProfile !== undefined ? { siteProfile } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the file: JSON, or YAML for .yaml/.yml; a vignette is resolved to its FHIR input, moment, hook and language. */
function readInput(path: string): VignetteInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let parsed: unknown;
  try {
    parsed = ['.yaml', '.yml'].includes(extname(path)) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new InputError(`${path} is not valid ${['.yaml', '.yml'].includes(extname(path)) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (!isObject(parsed)) throw new InputError(`${path} does not hold a JSON object`);
  if (parsed['resourceType'] === 'Bundle' || (typeof parsed['hook'] === 'string' && isObject(parsed['context']))) return { input: parsed };
  const vignette = resolveVignetteInput(parsed, resolve(path));
  if (vignette === undefined) {
    throw new InputError(`${path} is neither a FHIR Bundle, a CDS Hooks request, nor a vignette whose "given" names one`);
  }
  return vignette;
}

function toRequest(
  input: unknown,
  hook: HookName | undefined,
  selections: readonly string[] | undefined,
  templates: (hook: HookName) => Readonly<Record<string, string>>,
  now: Date,
): CdsRequest {
  if (isObject(input) && input['resourceType'] === 'Bundle') {
    const chosen = hook ?? 'patient-view';
    return buildHookRequest({
      hook: chosen,
      bundle: input,
      prefetchTemplates: templates(chosen),
      hookInstance: randomUUID(),
      userId: 'Practitioner/cli',
      now,
      ...(selections !== undefined ? { selections } : {}),
    });
  }
  const request = input as Record<string, unknown>;
  if (hook !== undefined && request['hook'] !== hook) throw new UsageError(`the request is for ${String(request['hook'])}, not ${hook}`);
  if (!(HOOKS as readonly unknown[]).includes(request['hook'])) throw new InputError(`hook "${String(request['hook'])}" is not served (${HOOKS.join(', ')})`);
  const problems = validateHookRequest(request['hook'] as HookName, request);
  if (problems.length > 0) throw new InputError(`invalid CDS Hooks request:\n  - ${problems.map((p) => p.message).join('\n  - ')}`);
  return request as unknown as CdsRequest;
}

// ---- text output ----

const INDICATOR: Readonly<Record<CdsCard['indicator'], string>> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };
const ORDER: Readonly<Record<CdsCard['indicator'], number>> = { critical: 0, warning: 1, info: 2 };

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : by + line))
    .join('\n');
}

function factText(fact: Record<string, unknown>): string {
  const name = String(fact['name']);
  if (fact['known'] === false || (fact['value'] === undefined && fact['reason'] !== undefined)) {
    return `${name} = unknown (${String(fact['reason'] ?? 'no reason given')}${fact['detail'] !== undefined ? `: ${String(fact['detail'])}` : ''})`;
  }
  const value = Array.isArray(fact['value']) ? fact['value'].join(', ') : String(fact['value']);
  const parts = [`${name} = ${value}${fact['unit'] !== undefined ? ` ${String(fact['unit'])}` : ''}`];
  if (fact['derived'] !== undefined && fact['derived'] !== false) parts.push(typeof fact['method'] === 'string' ? `(derived: ${fact['method']})` : '(derived)');
  if (typeof fact['effective'] === 'string') parts.push(`@ ${fact['effective'].slice(0, 10)}`);
  if (Array.isArray(fact['sources']) && fact['sources'].length > 0) parts.push(`[${fact['sources'].join(', ')}]`);
  return parts.join(' ');
}

function evidenceText(rec: Record<string, unknown>): string {
  // evidenceStatus "not-stated": neither member present (CDS Hooks forbids null, so absent grades are omitted).
  const level = typeof rec['evidenceLevel'] === 'string' ? rec['evidenceLevel'] : 'not stated';
  const strength = typeof rec['strength'] === 'string' ? rec['strength'] : 'not stated';
  const grade = rec['evidenceStatus'] === 'stated' || rec['evidenceStatus'] === 'partly-stated' ? `evidence level ${level}, strength ${strength}` : 'evidence level and strength not stated in the available source';
  const section = rec['section'] !== undefined ? `, interpretation §${String(rec['section'])}` : '';
  return `${String(rec['id'])}: ${grade}${rec['source'] !== undefined ? `; source ${String(rec['source'])}${section}` : ''}`;
}

function cardText(card: CdsCard, index: number): string {
  const lines = [`${index + 1}. [${INDICATOR[card.indicator]}] ${card.summary}`];
  if (card.detail !== undefined) lines.push(indent(card.detail.trim()));
  const own = card.extension?.[OWN] as Record<string, unknown> | undefined;
  const recs = Array.isArray(own?.['recommendations']) ? (own['recommendations'] as Record<string, unknown>[]) : [];
  if (recs.length > 0) lines.push('   Evidence:', ...recs.map((r) => `     - ${evidenceText(r)}`));
  const facts = Array.isArray(own?.['facts']) ? (own['facts'] as Record<string, unknown>[]) : [];
  if (facts.length > 0) lines.push('   Facts used:', ...facts.map((f) => `     - ${factText(f)}`));
  for (const suggestion of card.suggestions ?? []) {
    const actions = (suggestion.actions ?? []).map((a) => `${a.type} ${a.resource?.resourceType ?? a.resourceId ?? ''}`.trim());
    lines.push(`   Suggestion${suggestion.isRecommended === true ? ' (recommended)' : ''}: ${suggestion.label}${actions.length > 0 ? ` → ${actions.join('; ')}` : ''}`);
  }
  for (const link of card.links ?? []) lines.push(`   Link: ${link.label} <${link.url}>`);
  lines.push(`   Source: ${card.source.label}${card.source.url !== undefined ? ` <${card.source.url}>` : ''}`);
  return lines.join('\n');
}

function responseText(response: CdsResponse, header: string): string {
  const out = [header, ''];
  const cards = [...response.cards].sort((a, b) => ORDER[a.indicator] - ORDER[b.indicator]);
  out.push(cards.length === 0 ? 'No cards.' : `${cards.length} card${cards.length === 1 ? '' : 's'}:`, '');
  cards.forEach((card, i) => out.push(cardText(card, i), ''));
  const own = response.extension?.[OWN] as Record<string, unknown> | undefined;
  const notEvaluable = Array.isArray(own?.['notEvaluable']) ? (own['notEvaluable'] as { id: string; missingFacts: string[] }[]) : [];
  out.push(notEvaluable.length === 0 ? 'Every recommendation that applies could be evaluated.' : `Could not be evaluated (${notEvaluable.length}):`);
  for (const item of notEvaluable) out.push(`  - ${item.id}: missing ${item.missingFacts.join(', ')}`);
  const issues = Array.isArray(own?.['dataIssues']) ? (own['dataIssues'] as { code: string; message: string; location?: string }[]) : [];
  if (issues.length > 0) {
    out.push('', `Data issues (${issues.length}):`);
    for (const issue of issues) out.push(`  - ${issue.code}: ${issue.message}${issue.location !== undefined ? ` (${issue.location})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

// Loaded once per process and site profile (a CLI process runs one command; tests run many).
type Loaded = { readonly engine: ReturnType<typeof loadEngine>; readonly registry: ReturnType<typeof loadServiceRegistry> };
const loaded = new Map<string, Loaded>();
function engineAndServices(siteProfile: string | undefined): Loaded {
  const key = siteProfile === undefined ? '' : resolve(siteProfile);
  let hit = loaded.get(key);
  if (hit === undefined) {
    const root = projectRoot();
    let engine: ReturnType<typeof loadEngine>;
    try {
      engine = loadEngine(siteProfile === undefined ? {} : { siteProfile: key });
    } catch (error) {
      // A bad site profile is invalid input (exit 3); a bad shipped knowledge base stays an internal failure.
      if (siteProfile !== undefined && error instanceof BootError) throw new InputError(error.message);
      throw error;
    }
    hit = { engine, registry: loadServiceRegistry(join(root, 'cds-services', 'services'), join(root, 'cds-services', 'schemas', 'service.schema.json')) };
    loaded.set(key, hit);
  }
  return hit;
}

async function evaluate(options: Options, io: CliIo): Promise<number> {
  const vignette = readInput(options.file);
  const at = options.at ?? vignette.at;
  const language = options.language ?? vignette.language ?? 'zh-CN';
  const clock = at !== undefined ? fixedClock(at) : systemClock;
  const { engine, registry } = engineAndServices(options.siteProfile);
  const request = toRequest(vignette.input, options.hook ?? vignette.hook, vignette.selections, (h) => engine.prefetchFor(h), clock.now());
  const service = registry.services.find((s) => s.hook === request.hook);
  if (service === undefined) throw new InputError(`no service answers ${request.hook}`);
  const run = await runService(
    service,
    request,
    {
      engine,
      // Offline: data must be in the file; absent prefetch keys are not fetched.
      gatewayFactory: () => {
        throw new AppError('PREFETCH_UNAVAILABLE', 'the CLI evaluates offline and does not call FHIR servers');
      },
      allowedFhirServers: compileFhirServerAllowlist([]),
      deadlineMs: 60_000,
      fhirDeadlineMs: 1,
      pageCap: 1,
      clock,
    },
    { language },
  );
  if (options.json) {
    io.out(`${JSON.stringify(run.response, null, 2)}\n`);
    return EXIT.ok;
  }
  const header = `hcc-cds evaluate: ${service.id} (${request.hook}), patient ${request.context.patientId}, knowledge base ${run.kbVersion}, as of ${clock.now().toISOString()}, ${language}`;
  io.out(responseText(run.response, header));
  return EXIT.ok;
}

/** The evaluate command. */
export const command: CliCommand = {
  summary: 'evaluate a FHIR Bundle, CDS Hooks request or vignette and print the cards',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(USAGE);
      return EXIT.ok;
    }
    let options: Options;
    try {
      options = parseArgs(args);
    } catch (error) {
      io.err(`hcc-cds evaluate: ${(error as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    try {
      return await evaluate(options, io);
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`hcc-cds evaluate: ${error.message}\n`);
        return EXIT.usage;
      }
      if (error instanceof InputError || (error instanceof AppError && error.status < 500)) {
        io.err(`hcc-cds evaluate: ${error.message}\n`);
        return EXIT.badInput;
      }
      throw error;
    }
  },
};
