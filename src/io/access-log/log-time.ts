/**
 * Log times read by position into epoch ms, with no Date parsing: CLF's `01/Aug/1995:00:00:01 -0400`
 * (exact: the offset is part of the value; HAProxy's `25/Sep/2018:06:05:27.584` has none, so UTC)
 * and W3C's separate `2012-04-01` + `00:00:13.363` columns or ISO with `Z` (UTC).
 */

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Month index by its three lower-cased letters packed into one number: no string is cut per line. */
const MONTH_BY_CODE = new Map<number, number>(MONTH_NAMES.map((name, i) => [packLetters(name, 0), i]));
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Logs are in time order, so the calendar day almost always repeats: remember the last one.
let lastDayKey = -1;
let lastDayMs = 0;

/** Epoch ms of `dd/Mon/yyyy:HH:MM:SS[.fff][ ±hhmm]`, or undefined when the text is not such a time. */
export function clfTimeToMs(text: string): number | undefined {
  if (text.length < 20) return undefined;
  if (text.charCodeAt(2) !== 47 || text.charCodeAt(6) !== 47 || text.charCodeAt(11) !== 58) return undefined;
  if (text.charCodeAt(14) !== 58 || text.charCodeAt(17) !== 58) return undefined;
  const day = digits(text, 0, 2);
  const month = MONTH_BY_CODE.get(packLetters(text, 3));
  const year = digits(text, 7, 4);
  const hour = digits(text, 12, 2);
  const minute = digits(text, 15, 2);
  const second = digits(text, 18, 2);
  if (month === undefined || !isValidDate(year, month, day) || !isValidTime(hour, minute, second))
    return undefined;
  let i = 20;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === start) return undefined;
    ms = Math.floor(Number(`0.${text.slice(start, i)}`) * 1000 + 1e-6);
  }
  const offsetMin = i === text.length ? 0 : offsetMinutes(text, i);
  if (offsetMin === undefined) return undefined;
  return dayStartMs(year, month, day) + ((hour * 60 + minute - offsetMin) * 60 + second) * 1000 + ms;
}

/** Epoch ms of W3C `date` (`yyyy-mm-dd`) and `time` (`HH:MM[:SS[.fff]]`) columns, read as UTC. */
export function dateAndTimeToMs(date: string, time: string): number | undefined {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return undefined;
  if (time.length < 5 || time.charCodeAt(2) !== 58) return undefined;
  const year = digits(date, 0, 4);
  const month = digits(date, 5, 2) - 1;
  const day = digits(date, 8, 2);
  const hour = digits(time, 0, 2);
  const minute = digits(time, 3, 2);
  let second = 0;
  let ms = 0;
  if (time.length > 5) {
    if (time.length < 8 || time.charCodeAt(5) !== 58) return undefined;
    second = digits(time, 6, 2);
    if (time.length > 8) {
      const fractionLength = time.length - 9;
      if (time.charCodeAt(8) !== 46 || fractionLength < 1 || digits(time, 9, fractionLength) < 0)
        return undefined;
      ms =
        fractionLength >= 3
          ? digits(time, 9, 3)
          : digits(time, 9, fractionLength) * 10 ** (3 - fractionLength);
    }
  }
  if (!isValidDate(year, month, day) || !isValidTime(hour, minute, second)) return undefined;
  return dayStartMs(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** `2015-05-13T23:39:43.945958Z` (ELB, Traefik) without a regex; undefined for any other shape. */
export function isoUtcToMs(text: string): number | undefined {
  if (text.length < 17 || text.charCodeAt(10) !== 84 || text.charCodeAt(text.length - 1) !== 90)
    return undefined;
  return dateAndTimeToMs(text.slice(0, 10), text.slice(11, -1));
}

function dayStartMs(year: number, month: number, day: number): number {
  const dayKey = year * 10_000 + month * 100 + day;
  if (dayKey !== lastDayKey) {
    lastDayMs = Date.UTC(year, month, day);
    lastDayKey = dayKey;
  }
  return lastDayMs;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 0 || month < 0 || month > 11 || day < 1 || day > (DAYS_IN_MONTH[month] ?? 0)) return false;
  return month !== 1 || day !== 29 || isLeapYear(year);
}

function isValidTime(hour: number, minute: number, second: number): boolean {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
}

/** ` +0200`, ` -04:00` starting at `i`, in minutes east of UTC. */
function offsetMinutes(text: string, i: number): number | undefined {
  if (text.charCodeAt(i) !== 32) return undefined;
  const signChar = text.charCodeAt(i + 1);
  const sign = signChar === 45 ? -1 : signChar === 43 ? 1 : 0;
  const colon = text.charCodeAt(i + 4) === 58 ? 1 : 0;
  if (sign === 0 || text.length !== i + 6 + colon) return undefined;
  const h = digits(text, i + 2, 2);
  const m = digits(text, i + 4 + colon, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59) return undefined;
  return sign * (h * 60 + m);
}

/** The decimal number in `text[start, start+length)`, or -1 when a character is not a digit. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

function packLetters(text: string, start: number): number {
  return (
    ((text.charCodeAt(start) | 32) << 16) |
    ((text.charCodeAt(start + 1) | 32) << 8) |
    (text.charCodeAt(start + 2) | 32)
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
