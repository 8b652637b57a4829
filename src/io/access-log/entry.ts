/**
 * One access-log line, parsed but not yet judged: every format's parser yields this shape, with
 * the empty string (or 0 for numbers) where the format does not log a field.
 *
 *   parseClf('1.2.3.4 - - [01/Aug/1995:00:00:01 -0400] "GET / HTTP/1.0" 200 7') // { clientIp: '1.2.3.4', … }
 */

export interface AccessLogEntry {
  /** Epoch milliseconds (UTC). */
  tsMs: number;
  /** Client address or host name, without a port. */
  clientIp: string;
  /** `GET`, `POST`, …; empty when the format does not log the method. */
  method: string;
  /** The request target as logged, query string included (`/a?b=1`, or an absolute URL for ELB). */
  path: string;
  protocol: string;
  /** HTTP status; 0 when not logged (`-`). */
  status: number;
  /** Response bytes; 0 when not logged (`-`). */
  bytes: number;
  referrer: string;
  userAgent: string;
  /** Virtual host, without a port. */
  host: string;
  /** Authenticated user as logged. */
  user: string;
}

/** A format's parser: pure, one line in, `undefined` when the line is not in that format. */
export type AccessLogLineParser = (line: string) => AccessLogEntry | undefined;
