/**
 * Reads a text file line by line as a stream (gunzipped on the fly for .gz), with 1-based line numbers, so a file
 * of any size is read in constant memory. A read or decompression failure rejects with the file named.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { InputFile } from './cohort-input';

/** A file that failed part-way (I/O error, corrupt gzip). */
export class InputReadError extends Error {
  constructor(readonly file: string, readonly afterLine: number, cause: string) {
    super(`${file}: read failed after line ${afterLine} (${cause})`);
    this.name = 'InputReadError';
  }
}

/** Calls onLine for every line (without its end-of-line); resolves with the number of lines read. */
export async function forEachLine(file: InputFile, onLine: (text: string, line: number) => void): Promise<number> {
  const raw = createReadStream(file.path);
  let stream: Readable = raw;
  if (file.gzip) {
    const gunzip = createGunzip();
    raw.on('error', (error) => gunzip.destroy(error));
    stream = raw.pipe(gunzip);
  }
  let line = 0;
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      line += 1;
      onLine(text, line);
    }
  } catch (error) {
    failure ??= error as Error;
  }
  if (failure !== undefined) throw new InputReadError(file.name, line, (failure as NodeJS.ErrnoException).code ?? failure.message);
  return line;
}
