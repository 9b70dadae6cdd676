import type { HookName } from '../cds-hooks/types';

/** One CDS service as defined in cds-services/services/*.yaml (validated against cds-services/schemas/service.schema.json). */
export interface ServiceDefinition {
  readonly id: string;
  readonly hook: HookName;
  readonly title: string;
  readonly description: string;
  readonly usageRequirements?: string;
}
