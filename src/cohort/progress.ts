/**
 * Progress of a cohort run on the terminal: on a TTY one line rewritten in place (patients done, rate, ETA) at
 * most ten times a second; otherwise a plain line every `plainEveryMs` (logs and CI stay readable).
 */

/** Where progress goes. */
export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

/** A progress reporter. */
export interface Progress {
  /** Announces a phase ("partitioning", "evaluating") and the patients expected, when known. */
  phase(name: string, total?: number): void;
  /** Counts patients done. */
  tick(count?: number): void;
  finish(): void;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** The progress line for `done` of `total` patients after `elapsedMs`. */
export function progressLine(done: number, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const of = total !== undefined && total > 0 ? `/${total}` : '';
  const eta = total !== undefined && total > done && rate > 0 ? ` · ETA ${clock((total - done) / rate)}` : '';
  return `patients ${done}${of} · ${rate.toFixed(1)}/s${eta}`;
}

/** Creates a reporter writing to `sink`. */
export function createProgress(sink: ProgressSink, options: { readonly plainEveryMs?: number; readonly now?: () => number } = {}): Progress {
  const now = options.now ?? Date.now;
  const every = options.plainEveryMs ?? 10_000;
  let started = now();
  let done = 0;
  let total: number | undefined;
  let last = 0;
  let dirty = false;
  let shownDone = -1;
  const show = (force: boolean): void => {
    const t = now();
    if (force && shownDone === done) return;
    if (sink.isTTY) {
      if (!force && t - last < 100) return;
      sink.write(`\r\x1b[2K${progressLine(done, total, t - started)}`);
      dirty = true;
    } else {
      if (!force && t - last < every) return;
      sink.write(`${progressLine(done, total, t - started)}\n`);
    }
    last = t;
    shownDone = done;
  };
  return {
    phase(name, expected) {
      if (dirty) sink.write('\n');
      dirty = false;
      total = expected;
      done = 0;
      started = now();
      last = started;
      shownDone = -1;
      sink.write(`${name}${expected !== undefined ? ` (${expected} patients)` : ''}…\n`);
    },
    tick(count = 1) {
      done += count;
      show(false);
    },
    finish() {
      show(true);
      if (sink.isTTY) sink.write('\n');
      dirty = false;
    },
  };
}

/** A reporter that writes nothing. */
export const silentProgress: Progress = { phase() {}, tick() {}, finish() {} };
