/**
 * A series as one line of block characters (`▁▃█▅`), scaled to its largest value: the
 * terminal's chart, in `stint report` and `stint timeseries`.
 *
 *   sparkline([0, 1, 2]) // '▁▄█'
 */
const BARS = '▁▂▃▄▅▆▇█';

/** One character per value (per group of values past `width`: their largest), scaled to the largest. */
export function sparkline(values: readonly number[], width = 120): string {
  const per = Math.ceil(values.length / width);
  const shown =
    per <= 1
      ? values
      : Array.from({ length: Math.ceil(values.length / per) }, (_, k) =>
          Math.max(...values.slice(k * per, (k + 1) * per)),
        );
  const max = Math.max(0, ...shown);
  return shown.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}
