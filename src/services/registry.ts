/**
 * The services this deployment offers, loaded once at start from cds-services/services/*.yaml and validated with
 * ajv; a bad definition is a BootError (fail at boot, not at the bedside).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { BootError } from '../shared/errors';
import type { ServiceDefinition } from './service-definition';

/** Lookup of services by id, in a stable order. */
export interface ServiceRegistry {
  readonly services: readonly ServiceDefinition[];
  get(id: string): ServiceDefinition | undefined;
}

/** Builds a registry from definitions, refusing duplicate ids (the sandbox keys services by id alone). */
export function createServiceRegistry(definitions: readonly ServiceDefinition[]): ServiceRegistry {
  const byId = new Map<string, ServiceDefinition>();
  const problems: string[] = [];
  for (const definition of definitions) {
    if (byId.has(definition.id)) problems.push(`service id ${definition.id} is defined twice`);
    byId.set(definition.id, Object.freeze({ ...definition }));
  }
  if (problems.length > 0) throw new BootError('invalid service definitions', problems);
  const services = Object.freeze([...byId.values()].sort((a, b) => a.id.localeCompare(b.id)));
  return { services, get: (id) => byId.get(id) };
}

/** Loads and validates every *.yaml in `servicesDir` against `schemaPath`. */
export function loadServiceRegistry(servicesDir: string, schemaPath: string): ServiceRegistry {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile<ServiceDefinition>(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  const problems: string[] = [];
  const definitions: ServiceDefinition[] = [];
  const files = readdirSync(servicesDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  if (files.length === 0) problems.push(`no service definitions in ${servicesDir}`);
  for (const file of files) {
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(servicesDir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})`);
      continue;
    }
    if (validate(raw)) {
      definitions.push(raw);
    } else {
      for (const e of validate.errors ?? []) problems.push(`${file}: ${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
    }
  }
  if (problems.length > 0) throw new BootError('invalid service definitions', problems);
  return createServiceRegistry(definitions);
}
