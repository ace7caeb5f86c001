/**
 * Pacing per relay (RELIABILITY F6): a token bucket that refills at `ratePerSecond` and, when the
 * relay answers "slow down" (SMTP 421/454, HTTP 429), halves its rate instead of failing messages,
 * then creeps back up after a run of successes. Hand-written: it is a dozen lines and the libraries
 * (limiter, bottleneck) neither slow down on a signal nor take an injected clock for tests.
 */
export interface TokenBucketOptions {
  ratePerSecond: number;
  burst?: number;
  /** The lowest rate a slow-down can reach. */
  minRatePerSecond?: number;
  now?: () => number;
}

export class TokenBucket {
  readonly maxRate: number;
  private rate: number;
  private readonly minRate: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;
  private successes = 0;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    this.maxRate = options.ratePerSecond;
    this.rate = options.ratePerSecond;
    this.minRate = options.minRatePerSecond ?? Math.max(0.1, options.ratePerSecond / 64);
    this.burst = options.burst ?? Math.max(1, Math.ceil(options.ratePerSecond / 10));
    this.tokens = this.burst;
    this.now = options.now ?? Date.now;
    this.last = this.now();
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Milliseconds to wait before a token is free (0: take it now). Takes the token when it returns 0. */
  tryTake(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Waits for a token. */
  async take(): Promise<void> {
    for (let wait = this.tryTake(); wait > 0; wait = this.tryTake()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** The relay asked us to slow down: halve the rate and empty the bucket. */
  slowDown(): void {
    this.rate = Math.max(this.minRate, this.rate / 2);
    this.tokens = 0;
    this.successes = 0;
  }

  /** A success: after `burst` of them in a row, the rate grows back by a quarter, up to the maximum. */
  succeeded(): void {
    this.successes += 1;
    if (this.successes >= this.burst && this.rate < this.maxRate) {
      this.rate = Math.min(this.maxRate, this.rate * 1.25);
      this.successes = 0;
    }
  }
}
