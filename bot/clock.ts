/** The bot's notion of "now". Tests and demonstrations fix it (`MDU_NOW`); production uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock fixed at an instant, that tests can move forward. */
export class FixedClock implements Clock {
  private current: number;
  constructor(at: Date | string) {
    this.current = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/**
 * A clock that starts at a given instant and runs at real speed from there (`MDU_NOW`):
 * the day and hour are fixed for a demonstration, while timeouts still elapse.
 */
export class OffsetClock implements Clock {
  private readonly offsetMs: number;
  constructor(startAt: Date | string, realNow: () => number = Date.now) {
    this.offsetMs = new Date(startAt).getTime() - realNow();
    this.realNow = realNow;
  }
  private readonly realNow: () => number;
  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }
}
