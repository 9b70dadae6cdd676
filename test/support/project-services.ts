import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';
import { loadServiceRegistry, type ServiceRegistry } from '../../src/services/registry';

/** The real service definitions of cds-services/services, validated against the real schema. */
export function loadProjectServices(): ServiceRegistry {
  const root = projectRoot();
  return loadServiceRegistry(join(root, 'cds-services', 'services'), join(root, 'cds-services', 'schemas', 'service.schema.json'));
}
