/**
 * The access-log formats stint reads, by the name `--input-format` takes, and a line parser for
 * each. Every parser but `w3c` is a pure function; `w3c` keeps the columns of its last `#Fields:`.
 *
 *   const parser = createLineParser('combined'); parser.parse(line) // AccessLogEntry | undefined
 */

import { parseCaddyJson } from './caddy-json.ts';
import { parseClf, parseCombined, parseNcsa } from './clf.ts';
import { parseAlb, parseElb } from './elb.ts';
import type { AccessLogEntry, AccessLogLineParser } from './entry.ts';
import { parseHaproxy } from './haproxy.ts';
import { parseNginxJson } from './nginx-json.ts';
import { parseS3 } from './s3.ts';
import { parseTraefikJson } from './traefik-json.ts';
import { parseGandi, parseOvh, parseVhost } from './vhost.ts';
import { createW3cParser } from './w3c.ts';

export const ACCESS_LOG_FORMATS = [
  'clf',
  'combined',
  'ncsa',
  'vhost',
  'gandi',
  'ovh',
  's3',
  'haproxy',
  'elb',
  'alb',
  'nginx-json',
  'caddy-json',
  'traefik-json',
  'w3c',
] as const;
export type AccessLogFormatName = (typeof ACCESS_LOG_FORMATS)[number];

/** `--input-format access-log`: detect the format among all of the above. */
export const ACCESS_LOG_AUTO = 'access-log';

export function isAccessLogFormat(name: string): name is AccessLogFormatName | typeof ACCESS_LOG_AUTO {
  return name === ACCESS_LOG_AUTO || (ACCESS_LOG_FORMATS as readonly string[]).includes(name);
}

const STATELESS: Record<Exclude<AccessLogFormatName, 'w3c'>, AccessLogLineParser> = {
  clf: parseClf,
  combined: parseCombined,
  ncsa: parseNcsa,
  vhost: parseVhost,
  gandi: parseGandi,
  ovh: parseOvh,
  s3: parseS3,
  haproxy: parseHaproxy,
  elb: parseElb,
  alb: parseAlb,
  'nginx-json': parseNginxJson,
  'caddy-json': parseCaddyJson,
  'traefik-json': parseTraefikJson,
};

/** One format's reader of data lines; `#` lines go to `directive` (only W3C uses them). */
export interface LineParser {
  parse(line: string): AccessLogEntry | undefined;
  directive(line: string): void;
}

export function createLineParser(
  format: AccessLogFormatName,
  options: { inputZone?: string } = {},
): LineParser {
  if (format !== 'w3c') return { parse: STATELESS[format], directive: ignore };
  const w3c = createW3cParser(options);
  return {
    parse(line) {
      const result = w3c.parse(line);
      return result?.kind === 'entry' ? result.entry : undefined;
    },
    directive(line) {
      w3c.parse(line);
    },
  };
}

function ignore(): void {}
