/**
 * How long to wait before retrying a batch: the server's `Retry-After` when it sent one, otherwise
 * exponential backoff with full jitter (a random wait from 0 to base·2^retry), so that many clients
 * failing together do not come back together. Both are capped.
 *
 *   retryDelayMs(2, undefined, { backoffMs: 500, maxBackoffMs: 30_000 }, () => 0.5) // 1000: half of 500·2²
 *   retryDelayMs(0, 3000, { backoffMs: 500, maxBackoffMs: 30_000 }, Math.random)    // 3000
 */

export interface BackoffPolicy {
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** The wait before retry number `retry` (0 for the first): Retry-After if given, else full jitter. */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxBackoffMs);
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: whole seconds (`"3"`) or an HTTP date; undefined
 * when there is none or it cannot be read. A date in the past is 0.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (`Fri, 20 Nov 2026 08:00:05 GMT`); Date.parse alone
  // would also read "-1" or "1.5" as dates.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
