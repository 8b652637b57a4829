/**
 * The Diagnose tab's durations: measured ones in two figures (17m, 4.4h), set timeouts as people
 * write them (30m, 1h30m). Pure, so tests read the tab's text the way it is written.
 *
 *   timeoutText(5_400_000) // '1h30m'
 */

/** A measured duration in two figures at most: 17m, 4.4h, 9.2d. */
export function roughDuration(ms: number): string {
  if (ms < 1000) return '<1s';
  const s = ms / 1000;
  const two = (x: number, unit: string) => `${x < 10 ? Math.round(x * 10) / 10 : Math.round(x)}${unit}`;
  if (s < 60) return two(s, 's');
  if (s < 3600) return two(s / 60, 'm');
  if (s < 86_400) return two(s / 3600, 'h');
  return two(s / 86_400, 'd');
}

/** A set timeout: 30m, 1h30m, 2h. */
export function timeoutText(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h${m}m`;
}
