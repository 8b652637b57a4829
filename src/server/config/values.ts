/**
 * How each setting's text is read: whole numbers in bounds, durations, sizes, choices, secrets,
 * dates, proxies and lists. A bad value fails with the setting's name and what it takes.
 */
import { decimalDigits } from '../../core/bounded.ts';
import { parseDuration } from '../../core/duration.ts';
import { StintError } from '../../core/errors.ts';
import type { Parse } from './types.ts';

export const whole =
  (min: number, max: number): Parse =>
  (text, name) => {
    const n = decimalDigits(text);
    if (!(n >= min && n <= max)) bad(name, text, `a whole number from ${min} to ${max}`);
    return n;
  };
export const duration: Parse = (text, name) => parseDuration(text, name);
/** A duration a timer waits: Node's timers fire at once past 2^31 ms (24.8 days). */
export const delay: Parse = (text, name) => parseDuration(text, name, 86_400_000);
export const bytes: Parse = (text, name) => {
  const m = /^(\d+)\s*(b|kb|kib|mb|mib)?$/i.exec(text.trim());
  if (m === null) bad(name, text, 'a size such as 1mb or 512kb');
  const unit = (m![2] ?? 'b').toLowerCase();
  const n = Number(m![1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
  if (!(n >= 1 && n <= 1024 ** 3)) bad(name, text, 'a size from 1b to 1024mb, such as 1mb or 512kb');
  return n;
};
export const choice =
  (choices: readonly string[]): Parse =>
  (text, name) => {
    const value = text.trim().toLowerCase();
    if (!choices.includes(value)) bad(name, text, `one of: ${choices.join(', ')}`);
    return value;
  };
export const plain: Parse = (text) => text;
/** A bearer secret long enough not to be guessed; the message never repeats it. */
export const secret: Parse = (text, name) => {
  if (text.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new StintError(
      'STINT_BAD_CONFIG',
      `${name} is ${text.length} characters long; an admin token needs at least ${MIN_ADMIN_TOKEN_LENGTH}`,
      'Make one with: openssl rand -hex 32',
    );
  return text;
};
const MIN_ADMIN_TOKEN_LENGTH = 32;
/** A date (UTC midnight) or an ISO time with its offset, as epoch milliseconds. */
export const instant: Parse = (text, name) => {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || !Number.isFinite(ms) || ms < 0)
    bad(name, text, 'a date from 1970 on, such as 2000-01-01, or an ISO time such as 2000-01-01T00:00:00Z');
  return ms;
};
/** A ClickHouse store's address (store/clickhouse/target.ts reads the rest when it opens). */
export const clickhouseAddress: Parse = (text, name) => {
  if (!/^clickhouse:\/\/[^/]+/i.test(text.trim()))
    bad(name, text, 'a ClickHouse store address such as clickhouse://127.0.0.1:8123/stint');
  return text.trim();
};
export const memory: Parse = (text, name) => {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(text.trim()))
    bad(name, text, 'a size such as 512MB or 2GB');
  return text.trim();
};
/** false, a number of proxy hops (true: one), or the proxies' addresses (comma-separated). */
export const proxies: Parse = (text, name) => {
  if (/^(0|false|no|off)$/i.test(text)) return false;
  if (/^(true|yes|on)$/i.test(text)) return 1;
  if (/^\d+$/.test(text)) return whole(1, 100)(text, name);
  const list = text.split(',').map((s) => s.trim());
  if (list.some((a) => !/^[0-9a-fA-F.:/]+$/.test(a)))
    bad(name, text, 'false, a number of proxies, or their addresses such as 10.0.0.1,10.0.0.2');
  return list;
};
/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const list: Parse = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function bad(name: string, text: string, want: string): never {
  throw new StintError('STINT_BAD_CONFIG', `Cannot read ${name} "${text}"`, `Give ${want}`);
}
