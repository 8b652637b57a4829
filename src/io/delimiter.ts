/**
 * Guess the field delimiter of a delimited text file from its header line: the most frequent of
 * `,` `;` and tab outside quotes (ties and none go to `,`).
 *
 *   sniffDelimiter('SessionId\tItemId\tTime') → '\t';   sniffDelimiter('a;b;"c;d"') → ';'
 */

export type Delimiter = ',' | '\t' | ';';

export function sniffDelimiter(headerLine: string): Delimiter {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';')) counts[ch] += 1;
  }
  let best: Delimiter = ',';
  for (const d of ['\t', ';'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}
