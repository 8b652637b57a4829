/**
 * Amazon S3 server access logs (`s3`): bucket owner, bucket, [time], remote IP, requester, request
 * id, operation, key, "request", status, error code, bytes sent, … "referrer" "agent" and newer fields.
 * The bucket becomes `host`, the requester (an ARN) `user`.
 */
import { type ClfLayout, entryFromMatch, QUOTED, TIME } from './clf-parts.ts';
import type { AccessLogEntry } from './entry.ts';

const S3 = new RegExp(
  String.raw`^\S+ (\S+) ${TIME} (\S+) (\S+) \S+ \S+ \S+ ${QUOTED} (\d{3}|-) \S+ (\d+|-) \S+ \S+ \S+ ${QUOTED} ${QUOTED}(?:\s.*)?$`,
);
const LAYOUT: ClfLayout = {
  host: 1,
  time: 2,
  ip: 3,
  user: 4,
  request: 5,
  status: 6,
  bytes: 7,
  referrer: 8,
  agent: 9,
};

export function parseS3(line: string): AccessLogEntry | undefined {
  return entryFromMatch(S3.exec(line), LAYOUT);
}
