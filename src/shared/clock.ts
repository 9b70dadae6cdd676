/** A source of the current time, injected so that tests and scenario vignettes run at a fixed instant. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant (tests, scenarios, the CLI's --at option). */
export function fixedClock(at: string | Date): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant.getTime()) };
}
