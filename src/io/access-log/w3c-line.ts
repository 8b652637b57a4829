/**
 * Splitting W3C extended log lines: tab-separated when the line has a tab (CloudFront), else
 * space-separated with `"quoted values"` kept whole (IIS Advanced Logging, Incapsula). Values are
 * unquoted; `-` stays `-` (the parser maps it to empty).
 *
 *   splitW3cLine('a "b c" - ""') // ['a', 'b c', '-', '']
 */

export function splitW3cLine(line: string): string[] {
  let end = line.length;
  if (line.includes('\t')) {
    while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 10)) end--;
    return line.slice(0, end).split('\t');
  }
  while (end > 0 && isSpace(line.charCodeAt(end - 1))) end--;
  const values: string[] = [];
  let i = 0;
  while (i < end) {
    while (i < end && isSpace(line.charCodeAt(i))) i++;
    if (i >= end) break;
    if (line.charCodeAt(i) === 34) {
      let close = line.indexOf('"', i + 1);
      while (close > 0 && close + 1 < end && !isSpace(line.charCodeAt(close + 1)))
        close = line.indexOf('"', close + 1);
      if (close < 0) close = end;
      values.push(line.slice(i + 1, close));
      i = close + 1;
    } else {
      let j = i;
      while (j < end && !isSpace(line.charCodeAt(j))) j++;
      values.push(line.slice(i, j));
      i = j;
    }
  }
  return values;
}

/**
 * User agents as W3C writers encode them: IIS turns spaces into `+`, CloudFront percent-encodes
 * (twice: `%2520`). Decoded only when the value carries no plain space.
 */
export function decodeW3cAgent(agent: string): string {
  if (agent.includes(' ')) return agent;
  let text = agent;
  for (let round = 0; round < 2 && text.includes('%') && !text.includes(' '); round++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  return text.includes(' ') ? text : text.replaceAll('+', ' ');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}
