import { US_PER_S, type Micros } from '../sim/time.js';

/** Floating-point slack so that a token refilled "exactly" on time is not missed by rounding. */
export const TOKEN_EPSILON = 1e-9;

/**
 * PUSH-2: tokens refill continuously at `rate` per second up to `capacity`; each dispatch takes one.
 * The bucket starts full, so the first burst is at most `capacity`.
 */
export class TokenBucket {
  /** Tokens, last refill, refill per µs: in a typed array, as fractions kept in object fields are a heap box per write. */
  private readonly state = new Float64Array(3);

  constructor(
    ratePerSec: number,
    readonly capacity: number,
    now: Micros = 0,
  ) {
    this.tokens = capacity;
    this.last = now;
    this.perUs = ratePerSec / US_PER_S;
  }

  private get tokens(): number {
    return this.state[0];
  }
  private set tokens(v: number) {
    this.state[0] = v;
  }
  private get last(): Micros {
    return this.state[1];
  }
  private set last(v: Micros) {
    this.state[1] = v;
  }
  private get perUs(): number {
    return this.state[2];
  }
  private set perUs(v: number) {
    this.state[2] = v;
  }

  get ratePerSec(): number {
    return this.perUs * US_PER_S;
  }

  private refill(now: Micros): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perUs);
      this.last = now;
    }
  }

  /** Takes a token if one is available at `now`. */
  tryTake(now: Micros): boolean {
    this.refill(now);
    if (this.tokens < 1 - TOKEN_EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** The first instant at which a token will be available (Infinity at rate 0). */
  nextTokenAt(now: Micros): Micros {
    this.refill(now);
    if (this.tokens >= 1 - TOKEN_EPSILON) return now;
    if (this.perUs <= 0) return Infinity;
    // The same slack as tryTake: without it a float quotient such as 898005.0000000001 rounds up to a
    // µs late, and the answer would depend on when the bucket was last refilled (PUSH-2).
    return now + Math.max(0, Math.ceil((1 - TOKEN_EPSILON - this.tokens) / this.perUs));
  }

  /** Changes the refill rate from `now` on (INST-2 throttling), keeping the tokens earned so far. */
  setRate(ratePerSec: number, now: Micros): void {
    this.refill(now);
    this.perUs = ratePerSec / US_PER_S;
  }
}
