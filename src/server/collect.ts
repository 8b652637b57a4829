/**
 * One event from the collector's body → a StintEvent, or the reason it is refused. Every field
 * is bounded by a JSON schema first; then the engine's normalizer reads it as it reads a file's
 * row (SESSIONS.md section 1). On top of that, the collector:
 * - takes the user agent from the request when the event has none, and leaves bots out;
 * - gives an event with neither anonymous_id nor user_id the visitor id of salts.ts (the raw
 *   IP is used for that hash only and never stored);
 * - assigns an event_id when there is none, so a retry of a stored event is recognised;
 * - takes the receive time when there is no timestamp, and clamps a timestamp too far in the
 *   future (or, from a browser, too far in the past) to the receive time, keeping the original
 *   in the property `stint_clamped_from`; a timestamp before `minTimestampMs` is refused.
 *
 *   const collect = createCollector({ maxFutureMs: 300_000, maxPastMs: 7 * 86_400_000 });
 *   collect({ url: '/pricing' }, { site: 'shop', ip, userAgent, receivedAtMs, visitorId })
 */
import { randomUUID } from 'node:crypto';
import { Ajv, type ErrorObject } from 'ajv';
import type { StintEvent } from '../core/event.ts';
import { createNormalizer } from '../core/normalize.ts';
import type { CollectorRejectReason } from '../core/reject-reasons.ts';
import { isBotAgent } from '../io/access-log/bot.ts';
import { COLLECTOR_PROPERTIES, EVENT_SPECS, maxLengthOf, SCALAR } from '../schema/events.ts';

/** One event as the API takes it: the fields of SESSIONS.md section 1; anything else is a property. */
export const EVENT_SCHEMA = {
  type: 'object',
  description:
    'String lengths count UTF-16 code units, as JavaScript does: a character outside the Basic Multilingual Plane (most emoji) counts as two.',
  maxProperties: 64,
  propertyNames: { maxLength: 64 },
  properties: COLLECTOR_PROPERTIES,
  additionalProperties: SCALAR,
} as const;

export interface CollectContext {
  readonly site: string;
  /** The client's address (or, from a server-side sender, the event's `ip`). */
  readonly ip: string;
  /** The request's User-Agent header. */
  readonly userAgent: string;
  readonly receivedAtMs: number;
  /** Whether the sender may set `ip` on events (a write key or admin token: a server-side sender). */
  readonly trusted: boolean;
  /** The visitor id of an address and agent at a time (salts.ts). */
  readonly visitorId: (ip: string, userAgent: string, atMs: number) => string;
}

export type Collected =
  /** `clamped`: the timestamp was too far ahead, or (from a browser) too far behind, and the receive time was stored. */
  | { kind: 'event'; event: StintEvent; clamped: 'future' | 'past' | undefined }
  | { kind: 'bot' }
  | { kind: 'rejected'; code: CollectorRejectReason; message: string };

export interface CollectorOptions {
  /** A timestamp later than receive time + this is clamped to the receive time. */
  readonly maxFutureMs: number;
  /** From a browser (not a server-side sender), a timestamp earlier than receive time - this is clamped too. */
  readonly maxPastMs: number;
  /** A timestamp earlier than this is refused, from any sender (default 2000-01-01). */
  readonly minTimestampMs?: number | undefined;
  readonly sessionKey?: string | undefined;
  /** The country (ISO 3166-1 alpha-2, '' unknown) of a client address (io/ip-country.ts). */
  readonly countryOfIp?: ((ip: string) => string) | undefined;
}

export function createCollector(options: CollectorOptions): (raw: unknown, ctx: CollectContext) => Collected {
  // Lengths by `.length` (UTF-16 code units): counting code points walks every string, and
  // validating a typical event took 0.9 µs that way, 0.18 µs by `.length`. Ajv calls the option
  // deprecated, so its warning about it is left out (any other warning is not).
  const ajv = new Ajv({ allErrors: false, strict: true, unicode: false, logger: ajvLogger });
  const validate = ajv.compile(EVENT_SCHEMA);
  const normalize = createNormalizer({ sessionKey: options.sessionKey });
  const minTimestampMs = options.minTimestampMs ?? Date.UTC(2000, 0, 1);
  return (raw, ctx) => {
    // Field names match in any case (as in files): settle each on its lower-case name first, so
    // that the schema's bounds and everything below hold for `URL` or `Event_ID` too.
    const record = fieldsByName(raw);
    if (typeof record === 'string') return { kind: 'rejected', code: 'invalid', message: record };
    if (!validate(record))
      return { kind: 'rejected', code: 'invalid', message: describe(validate.errors ?? []) };
    // (Deleted only when there: a delete costs a runtime call even for a name the object lacks.)
    const { properties, props } = record;
    if (properties !== undefined) delete record.properties;
    if (props !== undefined) delete record.props;
    // The visitor's address is for the hash only, never kept: whoever sent it, in whatever case.
    const ip = ctx.trusted && typeof record.ip === 'string' ? record.ip : ctx.ip;
    if (record.ip !== undefined) delete record.ip;
    // The country is the address's (a server-side sender may name it); the address is not kept.
    if (!ctx.trusted || empty(record.country)) {
      const country = options.countryOfIp?.(ip) ?? '';
      if (country === '') delete record.country;
      else record.country = country;
    }
    if (record.site !== undefined) {
      // A request's events are all its site's: one naming another is refused, not moved.
      if (namesAnotherSite(record.site, ctx.site))
        return {
          kind: 'rejected',
          code: 'site_mismatch',
          message: `site ${JSON.stringify(record.site)} is not this request's site "${ctx.site}": send each site's events with its own key, or leave "site" out`,
        };
      delete record.site;
    }
    // `props` is Plausible's name for `properties`; a name in both, or beside them, keeps the first.
    for (const [bag, given] of [
      ['properties', properties],
      ['props', props],
    ] as const) {
      if (given === undefined) continue;
      for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
        if (RESERVED.has(k.toLowerCase()))
          return {
            kind: 'rejected',
            code: 'invalid',
            message: `${bag}.${k} is a field of its own: send it beside "${bag}"`,
          };
        // Own names only: `constructor` or `toString` is in every object, and is a property too.
        if (!Object.hasOwn(record, k)) record[k] = v;
      }
    }
    const ua =
      typeof record.user_agent === 'string' && record.user_agent !== ''
        ? record.user_agent
        : headerText(ctx.userAgent, MAX_USER_AGENT);
    if (isBotAgent(ua)) return { kind: 'bot' };
    record.user_agent = ua;
    // A browser's events keep the visitor's hash beside a user id (the tracker's identify()), so
    // identifying a visitor does not cut the visit in two.
    if (empty(record.anonymous_id) && (!ctx.trusted || empty(record.user_id)))
      record.anonymous_id = ctx.visitorId(ip, ua, ctx.receivedAtMs);
    if (empty(record.event_id)) record.event_id = randomUUID();
    if (record.timestamp === undefined || record.timestamp === null || record.timestamp === '')
      record.timestamp = ctx.receivedAtMs;
    // A file's value may be padded (a column of numbers); a sender's is exactly a number.
    if (typeof record.value === 'string' && record.value !== record.value.trim())
      return {
        kind: 'rejected',
        code: 'bad_value',
        message: `value ${JSON.stringify(record.value)} is not a decimal number from -1e12 to 1e12 (no spaces)`,
      };
    const result = normalize(record);
    if (!result.ok) return { kind: 'rejected', code: result.reason, message: result.detail };
    let event = result.event;
    if (event.tsMs < minTimestampMs) {
      return {
        kind: 'rejected',
        code: 'bad_timestamp',
        message: `${new Date(event.tsMs).toISOString()} is before ${new Date(minTimestampMs).toISOString()}, the server's min_timestamp`,
      };
    }
    // A browser's clock can be anything: too far ahead, or (from a page, not a server) too far behind.
    const tooEarly = !ctx.trusted && event.tsMs < ctx.receivedAtMs - options.maxPastMs;
    const clamped =
      event.tsMs > ctx.receivedAtMs + options.maxFutureMs ? 'future' : tooEarly ? 'past' : undefined;
    if (clamped !== undefined) {
      event = {
        ...event,
        tsMs: ctx.receivedAtMs,
        properties: { ...event.properties, stint_clamped_from: new Date(event.tsMs).toISOString() },
      };
    }
    return { kind: 'event', event, clamped };
  };
}

const ajvLogger = {
  log: console.log,
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('DEPRECATED: option unicode')) console.warn(...args);
  },
  error: console.error,
};

/** The bound of the `user_agent` field, which the request's User-Agent header gets too. */
const MAX_USER_AGENT = maxLengthOf('user_agent');

/**
 * A header's text within a field's bound: cut, not refused, since a browser cannot choose its
 * own header (a surrogate pair at the cut is left out whole).
 */
export function headerText(header: string, maxLength: number): string {
  if (header.length <= maxLength) return header;
  const end = /[\uD800-\uDBFF]/.test(header.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return header.slice(0, end);
}

const empty = (v: unknown): boolean => v === undefined || v === null || v === '';

/** Whether a `site` a sender gave (in the query, the body or an event) names another than `site`. */
export const namesAnotherSite = (named: unknown, site: string): boolean => !empty(named) && named !== site;

/** The event's own fields (schema/events.ts) and `site`: never properties. */
const RESERVED = new Set<string>([...EVENT_SPECS.map((f) => f.name), 'site']);

/** The event's fields with reserved names in lower case; a message when it is no object or names a field twice. */
function fieldsByName(raw: unknown): Record<string, unknown> | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'an event must be a JSON object';
  // Mostly every name is as it should be: then the parsed object itself is the record (it is
  // the collector's own, fresh from the body).
  let renamed = false;
  for (const key in raw) {
    const lower = key.toLowerCase();
    if (lower !== key && RESERVED.has(lower)) {
      renamed = true;
      break;
    }
  }
  if (!renamed) return raw as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const lower = key.toLowerCase();
    const name = RESERVED.has(lower) ? lower : key;
    if (Object.hasOwn(record, name)) return `the field ${name} is given twice (names match in any case)`;
    record[name] = value;
  }
  return record;
}

function describe(errors: readonly ErrorObject[]): string {
  // A field that may be one of several kinds (a property: text, number, boolean or null) names
  // them all, not only the first it failed.
  const anyOf = errors.find((e) => e.keyword === 'anyOf');
  const e = anyOf ?? errors[0];
  if (e === undefined) return 'not a valid event';
  const where = e.instancePath === '' ? 'the event' : e.instancePath.slice(1).replaceAll('/', '.');
  if (anyOf !== undefined) {
    const branches = errors.filter((x) => x !== anyOf && x.schemaPath.startsWith(`${anyOf.schemaPath}/`));
    // A branch of the right kind that failed on its bounds (a number too large, a text too
    // long) says why on its own.
    const bound = branches.find((x) => x.keyword !== 'type');
    if (bound !== undefined) return `${where} ${bound.message ?? 'is not valid'}`;
    const kinds = branches.map((x) => (x.params.type === 'null' ? 'null' : `a ${x.params.type}`));
    if (kinds.length > 1) return `${where} must be ${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
  }
  return `${where} ${e.message ?? 'is not valid'}`;
}
