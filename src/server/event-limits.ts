/**
 * Event budgets: the collector's rate limits count events, not requests. Each budget is a token
 * bucket that holds a minute's worth of events and refills at its rate, on the server's clock.
 * A request takes as many tokens as it holds events, from every budget that applies, or none.
 *
 *   limit 600 a minute (10/s): 600 events at once, then 10 more each second;
 *   a request of 50 with 20 left is refused with Retry-After 3 (30 tokens at 10/s)
 *
 *   const budgets = createEventBudgets(() => Date.now());
 *   const refusal = budgets.take([{ bucket: 'pk:shop', perMinute: 600, setting: 'event_rate_limit_key', from: 'with this site key' }], 50);
 */

/** One budget: its bucket's name, its limit, and how a refusal names it. */
export interface Budget {
  readonly bucket: string;
  /** Events per minute; 0 means no limit. */
  readonly perMinute: number;
  /** The setting that sets it, named in a refusal. */
  readonly setting: string;
  /** Whose budget, as a refusal says it: "with this key", "from this address". */
  readonly from: string;
}

export interface Refusal {
  readonly budget: Budget;
  /** Seconds until the request would be taken (at least 1). */
  readonly retryAfterS: number;
  readonly message: string;
}

export interface EventBudgets {
  /** A refusal when a budget has not one event left (checked before the body is read). */
  spent(budgets: readonly Budget[]): Refusal | undefined;
  /** Takes `events` from every budget, or refuses and takes none. */
  take(budgets: readonly Budget[], events: number): Refusal | undefined;
}

/** Buckets kept at most; past it, the full ones (as good as new) are forgotten. */
const MAX_BUCKETS = 100_000;

export function createEventBudgets(now: () => number): EventBudgets {
  const buckets = new Map<string, { tokens: number; atMs: number }>();

  /** The bucket refilled up to now. */
  const level = (b: Budget, nowMs: number): { tokens: number; atMs: number } => {
    let bucket = buckets.get(b.bucket);
    if (bucket === undefined) {
      if (buckets.size >= MAX_BUCKETS) forgetFull(nowMs, b.perMinute);
      bucket = { tokens: b.perMinute, atMs: nowMs };
      buckets.set(b.bucket, bucket);
    } else if (nowMs > bucket.atMs) {
      bucket.tokens = Math.min(b.perMinute, bucket.tokens + ((nowMs - bucket.atMs) * b.perMinute) / 60_000);
      bucket.atMs = nowMs;
    }
    return bucket;
  };
  const forgetFull = (nowMs: number, perMinute: number): void => {
    for (const [name, bucket] of buckets)
      if (bucket.tokens + ((nowMs - bucket.atMs) * perMinute) / 60_000 >= perMinute) buckets.delete(name);
    if (buckets.size >= MAX_BUCKETS) buckets.clear();
  };
  const refusal = (b: Budget, tokens: number, events: number): Refusal => {
    if (events > b.perMinute) {
      return {
        budget: b,
        retryAfterS: 60,
        message: `${events} events in one request, more than the ${b.perMinute} a minute allowed ${b.from} (the server's ${b.setting}); send fewer events a request`,
      };
    }
    const retryAfterS = Math.max(1, Math.ceil(((events - tokens) * 60) / b.perMinute));
    return {
      budget: b,
      retryAfterS,
      message: `More than ${b.perMinute} events a minute ${b.from} (the server's ${b.setting}); retry in ${retryAfterS} s`,
    };
  };

  return {
    spent(budgets) {
      const nowMs = now();
      for (const b of budgets) {
        if (b.perMinute <= 0) continue;
        const { tokens } = level(b, nowMs);
        if (tokens < 1) return refusal(b, tokens, 1);
      }
      return undefined;
    },
    take(budgets, events) {
      const nowMs = now();
      const active = budgets.filter((b) => b.perMinute > 0);
      for (const b of active) {
        const { tokens } = level(b, nowMs);
        if (tokens < events) return refusal(b, tokens, events);
      }
      for (const b of active) level(b, nowMs).tokens -= events;
      return undefined;
    },
  };
}
