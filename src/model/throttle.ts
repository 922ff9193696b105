/**
 * INST-2 / HANDLER-3: when no instance can take a request (or the handler answers 503) the queue
 * slows its dispatch rate; it raises it again as requests succeed. The model: halve the rate on each
 * such failure down to 1/64 of the configured rate, and raise it by a tenth on each success.
 */
export const THROTTLE_FLOOR = 1 / 64;
const RECOVERY = 1.1;

export class Throttle {
  factor = 1;

  /** Returns true when the factor changed. */
  slowDown(): boolean {
    const next = Math.max(THROTTLE_FLOOR, this.factor / 2);
    const changed = next !== this.factor;
    this.factor = next;
    return changed;
  }

  recover(): boolean {
    if (this.factor >= 1) return false;
    this.factor = Math.min(1, this.factor * RECOVERY);
    return true;
  }
}
