/** GET /openapi.json: the document is built once at start-up and served as is. */
import type { RequestHandler } from 'express';
import type { OpenApiDocument } from './openapi-document';

/** Creates the handler serving a prebuilt OpenAPI document. */
export function openApiRoute(document: OpenApiDocument): RequestHandler {
  const body = JSON.stringify(document);
  return (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.type('application/json').send(body);
  };
}
