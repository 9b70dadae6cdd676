/**
 * pino JSON logger. Secrets and patient data are never logged on purpose; the redaction list is defence in depth
 * for anything that slips into a log object (CDS Hooks best practice: never log the JWT or access token).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** The logger type used across the service. */
export type AppLogger = Logger;

/** Paths pino censors wherever they appear up to two levels deep. */
export const REDACTED_PATHS: readonly string[] = [
  'authorization', 'fhirAuthorization', 'access_token', 'prefetch', 'context', 'token', 'jwt', 'body',
  '*.authorization', '*.fhirAuthorization', '*.access_token', '*.prefetch', '*.context', '*.token', '*.jwt', '*.body',
  'req.headers.authorization', 'headers.authorization', '*.headers.authorization',
];

/** Creates the service logger; tests pass a destination stream to capture lines. */
export function createLogger(options: { readonly level?: string; readonly destination?: DestinationStream } = {}): AppLogger {
  const settings = {
    level: options.level ?? 'info',
    base: { name: 'hcc-cds' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
