/**
 * JSON body parsing with a size limit, turning body-parser failures into catalogue errors:
 * no body → 400, non-JSON media type → 415, too large → 413, malformed JSON → 400.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError } from '../shared/errors';

const JSON_TYPES = ['application/json', 'application/*+json'];

const NOT_UTF8 = 'entity.not.utf8';

/** RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8; invalid bytes are refused, not replaced by U+FFFD. */
function verifyUtf8(_req: unknown, _res: unknown, buffer: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(buffer)) throw Object.assign(new Error('body is not UTF-8'), { type: NOT_UTF8 });
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

function fromParserError(error: unknown): AppError {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return new AppError('REQUEST_TOO_LARGE', 'Request body is too large.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new AppError('REQUEST_NOT_JSON', 'Unsupported content encoding or charset.');
  if (type === NOT_UTF8) return new AppError('REQUEST_INVALID', 'Request body is not valid UTF-8.', ['$']);
  if (type === 'entity.parse.failed') return new AppError('REQUEST_INVALID', 'Request body is not valid JSON.', ['$']);
  return new AppError('REQUEST_INVALID', 'Request body could not be read.');
}

/** Creates the JSON body middleware with the given limit (e.g. "1mb"). */
export function createJsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit, strict: true, type: () => true, verify: verifyUtf8 });
  return (req, res, next) => {
    if (!hasBody(req.headers)) {
      next(new AppError('REQUEST_INVALID', 'Request body is required.', ['$']));
      return;
    }
    if (req.is(JSON_TYPES) === false || req.get('content-type') === undefined) {
      next(new AppError('REQUEST_NOT_JSON', 'Content-Type must be application/json.'));
      return;
    }
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : fromParserError(error)));
  };
}
