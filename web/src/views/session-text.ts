/**
 * Session fields as text for the sessions explorer and the journey: the API's rows are loose
 * records (`Record<string, unknown>`), and every tracked value is shown as plain text.
 *
 *   dateTime('2026-10-01T12:00:00.000Z', 'Europe/Berlin') // 'Thu, 1 Oct 2026, 14:00:00'
 */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** An ISO instant as the local date and time in `tz`. */
export function dateTime(iso: string, tz: string, seconds = false): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
  }).format(Date.parse(iso));
}

/** An ISO instant as a short local date and time in `tz` ('30 Oct, 17:29'). */
export function shortDateTime(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(Date.parse(iso));
}

/** An ISO instant as the local time of day in `tz` (with seconds). */
export function timeOfDay(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(Date.parse(iso));
}
