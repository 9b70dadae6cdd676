/**
 * Problems of the input itself (a malformed line, a resource without id, a file that fails part-way): counted by
 * kind, and the first ones kept with file and line for the internal report and the terminal. Never fatal.
 */
import type { InputProblemDetail } from './report-types';

/** How many problems are kept with their file and line. */
export const DETAIL_CAP = 1000;

/** The collector's state, for a checkpoint. */
export interface ProblemsState {
  readonly counts: readonly [string, number][];
  readonly details: readonly InputProblemDetail[];
  readonly omitted: number;
}

/** A collector of input problems. */
export class InputProblems {
  private readonly counts = new Map<string, number>();
  private readonly details: InputProblemDetail[] = [];
  private omitted = 0;
  constructor(private readonly onProblem?: (problem: InputProblemDetail) => void) {}

  /** Records one problem. */
  add(problem: InputProblemDetail): void {
    this.counts.set(problem.kind, (this.counts.get(problem.kind) ?? 0) + 1);
    if (this.details.length < DETAIL_CAP) {
      this.details.push(problem);
      this.onProblem?.(problem);
    } else this.omitted += 1;
  }

  /** Counts by kind, sorted by kind. */
  byKind(): { kind: string; count: number }[] {
    return [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, count]) => ({ kind, count }));
  }

  /** The state to checkpoint. */
  state(): ProblemsState {
    return { counts: [...this.counts.entries()], details: [...this.details], omitted: this.omitted };
  }

  /** Continues from a checkpointed state (its problems are not reported again). */
  restore(state: ProblemsState): void {
    this.counts.clear();
    for (const [kind, count] of state.counts) this.counts.set(kind, count);
    this.details.splice(0, this.details.length, ...state.details);
    this.omitted = state.omitted;
  }

  /** The kept problems and how many were left out. */
  kept(): { details: InputProblemDetail[]; omitted: number } {
    return { details: [...this.details], omitted: this.omitted };
  }
}
