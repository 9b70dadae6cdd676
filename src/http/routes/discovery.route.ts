import type { RequestHandler } from 'express';
import type { DiscoveryDocument } from '../../services/discovery';

/** GET /cds-services: the discovery document, built once at start (CDS Hooks 2.0 § Discovery). */
export function discoveryRoute(document: DiscoveryDocument): RequestHandler {
  return (_req, res) => {
    res.status(200).json(document);
  };
}
