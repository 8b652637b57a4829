/**
 * Which access-log format a file is in: the one whose parser accepts most of a sample of its first
 * lines. On a tie the more specific format wins (order below: `ovh` before `combined`, `clf` and
 * `combined` before the looser `ncsa`). `#` lines feed W3C's `#Fields:`, they are not scored.
 */
import { type AccessLogFormatName, createLineParser } from './formats.ts';

export {
  ACCESS_LOG_AUTO,
  ACCESS_LOG_FORMATS,
  type AccessLogFormatName,
  isAccessLogFormat,
} from './formats.ts';

/** Every format, most specific first (a test checks that none is missing). */
export const DETECTION_ORDER: readonly AccessLogFormatName[] = [
  'clf',
  'ovh',
  'combined',
  'vhost',
  'gandi',
  'ncsa',
  's3',
  'haproxy',
  'elb',
  'alb',
  'nginx-json',
  'caddy-json',
  'traefik-json',
  'w3c',
];

/** The best format for these lines, or undefined when no parser accepts any of them. */
export function detectAccessLogFormat(sampleLines: string[]): AccessLogFormatName | undefined {
  let best: AccessLogFormatName | undefined;
  let bestCount = 0;
  for (const format of DETECTION_ORDER) {
    const parser = createLineParser(format);
    let count = 0;
    for (const line of sampleLines) {
      if (isBlankLine(line)) continue;
      if (line.charCodeAt(0) === 35) parser.directive(line);
      else if (parser.parse(line) !== undefined) count++;
    }
    if (count > bestCount) {
      best = format;
      bestCount = count;
    }
  }
  // A W3C file whose sample holds only directives (IIS writes headers even for a day without requests).
  if (best === undefined && sampleLines.some((line) => line.startsWith('#Fields:'))) return 'w3c';
  return best;
}

/** Empty, or only whitespace (W3C writers pad between directives). */
export function isBlankLine(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13) && line.trim() === '';
}
