import { createHash, randomUUID } from 'node:crypto';

/** A generator of identifiers, injected so tests can predict them. */
export interface IdGenerator {
  uuid(): string;
}

/** Random v4 UUIDs. */
export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** A deterministic UUID-shaped id from the given parts (card and suggestion uuids stable per hookInstance). */
export function stableUuid(...parts: readonly string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
