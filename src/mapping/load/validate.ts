/**
 * Stage 2 of loading: validate every gathered file against its schema in fhir-mappings/schemas/ (skipped for data
 * from a fresh snapshot, validated by the load that wrote it). An invalid file's data is dropped, its problems kept.
 */
import { SCHEMA_NAMES, type MappingSchemas } from '../mapping-schemas';
import type { GatheredMappings, MappingDoc } from './gather';

/** Validates one document in place; false (data dropped) when invalid. */
export function validateDoc(schemas: MappingSchemas, doc: MappingDoc, locate?: (instancePath: string) => string): boolean {
  if (doc.data === undefined) return false;
  if (!SCHEMA_NAMES.includes(doc.schema)) return true; // an unknown score table: the derived-facts stage reports it
  if (schemas.validate(doc.schema, doc.data, doc.file, locate)) return true;
  doc.data = undefined;
  return false;
}

/** Validates every shipped mapping file (nothing to do for a snapshot). */
export function validateMappingFiles(gathered: GatheredMappings, schemas: MappingSchemas): void {
  if (gathered.fromSnapshot) return;
  const docs = [gathered.codeSystems, ...gathered.valueSets, gathered.config, ...gathered.facts, gathered.derived, ...gathered.tables.values()];
  if (gathered.unitAliases !== undefined) docs.push(gathered.unitAliases);
  for (const doc of docs) validateDoc(schemas, doc);
}
