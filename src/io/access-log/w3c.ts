/**
 * W3C extended logs (`w3c`: IIS, IIS Advanced Logging, CloudFront, NetScaler, Incapsula, SHOUTcast):
 * stateful, since each `#Fields:` directive names the columns of the lines after it. `date`/`time`
 * are UTC; `date-local`/`time-local` are read in `inputZone` (default UTC).
 *
 *   const w3c = createW3cParser();
 *   w3c.parse('#Fields: date time c-ip cs-method cs-uri-stem sc-status'); // { kind: 'directive' }
 *   w3c.parse('2012-04-01 00:00:13 1.2.3.4 GET /a 200'); // { kind: 'entry', entry: { tsMs: …, … } }
 */
import { wallTimeToUtcMs } from '../../core/zone.ts';
import type { AccessLogEntry } from './entry.ts';
import { countOf, hostOfUrl, orEmpty, withoutPort } from './fields.ts';
import { dateAndTimeToMs } from './log-time.ts';
import { decodeW3cAgent, splitW3cLine } from './w3c-line.ts';

export type W3cLineResult = { kind: 'directive' } | { kind: 'entry'; entry: AccessLogEntry } | undefined;

export interface W3cParser {
  /** A `#` directive updates the columns; a data line gives an entry, or undefined when it does not fit them. */
  parse(line: string): W3cLineResult;
}

const DIRECTIVE: W3cLineResult = Object.freeze({ kind: 'directive' });

/** Column index of each field we read, -1 when the `#Fields:` list lacks it. */
interface Columns {
  count: number;
  date: number;
  time: number;
  dateLocal: number;
  timeLocal: number;
  ip: number;
  method: number;
  stem: number;
  query: number;
  uri: number;
  protocol: number;
  status: number;
  bytes: number;
  referrer: number;
  agent: number;
  host: number;
  user: number;
}

export function createW3cParser(options: { inputZone?: string } = {}): W3cParser {
  const inputZone = options.inputZone ?? 'UTC';
  let columns: Columns | undefined;
  return {
    parse(line) {
      if (line.charCodeAt(0) === 35) {
        if (line.startsWith('#Fields:')) columns = columnsOf(line.slice(8));
        return DIRECTIVE;
      }
      if (columns === undefined) return undefined;
      const entry = entryOf(splitW3cLine(line), columns, inputZone);
      return entry === undefined ? undefined : { kind: 'entry', entry };
    },
  };
}

function columnsOf(fieldList: string): Columns | undefined {
  const names = fieldList.trim().toLowerCase().split(/\s+/);
  const find = (...synonyms: string[]): number => {
    for (const name of synonyms) if (names.includes(name)) return names.indexOf(name);
    return -1;
  };
  const columns: Columns = {
    count: names.length,
    date: find('date'),
    time: find('time'),
    dateLocal: find('date-local'),
    timeLocal: find('time-local'),
    ip: find('c-ip'),
    method: find('cs-method'),
    stem: find('cs-uri-stem'),
    query: find('cs-uri-query'),
    uri: find('cs-uri'),
    protocol: find('cs-version', 'cs-protocol-version'),
    status: find('sc-status', 'c-status'),
    bytes: find('sc-bytes'),
    referrer: find('cs(referer)', 'cs(referrer)'),
    agent: find('cs(user-agent)'),
    host: find('x-host-header', 'cs-host', 'cs(host)'),
    user: find('cs-username'),
  };
  const hasTime =
    (columns.date >= 0 && columns.time >= 0) || (columns.dateLocal >= 0 && columns.timeLocal >= 0);
  return hasTime && columns.ip >= 0 ? columns : undefined;
}

function utcTime(values: string[], c: Columns): number | undefined {
  return dateAndTimeToMs(at(values, c.date), at(values, c.time));
}

function localTime(values: string[], c: Columns, inputZone: string): number | undefined {
  const wallMs = dateAndTimeToMs(at(values, c.dateLocal), at(values, c.timeLocal));
  return wallMs === undefined ? undefined : wallTimeToUtcMs(wallMs, inputZone);
}

function at(values: string[], index: number): string {
  return orEmpty(values[index]);
}

function entryOf(values: string[], c: Columns, inputZone: string): AccessLogEntry | undefined {
  if (values.length !== c.count) return undefined;
  const tsMs = c.date >= 0 && c.time >= 0 ? utcTime(values, c) : localTime(values, c, inputZone);
  const clientIp = withoutPort(at(values, c.ip));
  if (tsMs === undefined || clientIp === '') return undefined;
  let path = at(values, c.stem);
  let host = at(values, c.host);
  const uri = at(values, c.uri);
  if (path === '' && uri !== '') {
    // Incapsula logs `www.example.com/page.php`: split the host off a scheme-less target.
    const slash = uri.indexOf('/');
    const bareHost = slash > 0 && !uri.includes('://');
    path = bareHost ? uri.slice(slash) : uri;
    if (host === '') host = bareHost ? uri.slice(0, slash) : hostOfUrl(uri);
  }
  const query = at(values, c.query);
  if (query !== '') path = `${path}?${query}`;
  return {
    tsMs,
    clientIp,
    method: at(values, c.method),
    path,
    protocol: at(values, c.protocol),
    status: countOf(at(values, c.status)),
    bytes: countOf(at(values, c.bytes)),
    referrer: at(values, c.referrer),
    userAgent: decodeW3cAgent(at(values, c.agent)),
    host: withoutPort(host),
    user: at(values, c.user),
  };
}
