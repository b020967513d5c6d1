/**
 * A small fixed-window rate limit: at most `limit` events a window, across the whole process.
 * It caps what an unauthenticated caller can make the bot create (conversations, tokens).
 */
export class RateLimiter {
  private windowStart = 0;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Counts one event; false when the window's allowance is spent. */
  take(): boolean {
    const now = this.nowMs();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= this.limit) return false;
    this.count++;
    return true;
  }

  /** Seconds until the next window. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - this.nowMs()) / 1000));
  }
}
