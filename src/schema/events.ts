/**
 * The event fields, each written once (SESSIONS.md section 1): the names a file or the collector
 * gives, each field's type, its bound in the collector's JSON schema and the column that keeps it.
 * The events table, the collector's JSON schema (and so OpenAPI) and the readers' names derive from it.
 */
import type { Column, FieldType } from './types.ts';

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
/** A property's value: short text, a number, a boolean or null. */
export const SCALAR = {
  anyOf: [text(1024), { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
} as const;

interface EventFieldSpec {
  /** The name in a file's header or a collected event (SESSIONS.md section 1). */
  readonly name: string;
  readonly type: FieldType;
  /** The collector's JSON schema for it. */
  readonly json: object;
  /**
   * The events table's column that keeps it; none for the `ip` a server-side sender may give,
   * nor for `props`, which the collector reads into `properties`.
   */
  readonly column?: string;
  /** Read by the engine's normalizer (core/normalize.ts CANONICAL_FIELDS, in this order). */
  readonly canonical: boolean;
}

/** An event's properties: a flat object of at most 64 scalars. */
const PROPERTIES_JSON = {
  type: 'object',
  maxProperties: 64,
  propertyNames: { maxLength: 64 },
  additionalProperties: SCALAR,
} as const;

/** The event fields, in the order of the collector's JSON schema. */
export const EVENT_SPECS = [
  {
    name: 'timestamp',
    type: 'time',
    column: 'ts_ms',
    canonical: true,
    json: { anyOf: [text(64), { type: 'number', minimum: -1e15, maximum: 1e15 }] },
  },
  { name: 'anonymous_id', type: 'text', column: 'anonymous_id', canonical: true, json: text(256) },
  { name: 'user_id', type: 'text', column: 'user_id', canonical: true, json: text(256) },
  { name: 'event', type: 'text', column: 'event', canonical: true, json: text(128) },
  { name: 'url', type: 'text', column: 'url', canonical: true, json: text(4096) },
  { name: 'referrer', type: 'text', column: 'referrer', canonical: true, json: text(4096) },
  { name: 'utm_source', type: 'text', column: 'utm_source', canonical: true, json: text(256) },
  { name: 'utm_medium', type: 'text', column: 'utm_medium', canonical: true, json: text(256) },
  { name: 'utm_campaign', type: 'text', column: 'utm_campaign', canonical: true, json: text(256) },
  { name: 'utm_term', type: 'text', column: 'utm_term', canonical: true, json: text(256) },
  { name: 'utm_content', type: 'text', column: 'utm_content', canonical: true, json: text(256) },
  { name: 'session_id', type: 'text', column: 'session_key', canonical: true, json: text(256) },
  { name: 'timezone', type: 'text', column: 'timezone', canonical: true, json: text(64) },
  { name: 'country', type: 'text', column: 'country', canonical: true, json: text(64) },
  { name: 'user_agent', type: 'text', column: 'user_agent', canonical: true, json: text(1024) },
  {
    name: 'value',
    type: 'double',
    column: 'value',
    canonical: true,
    json: {
      description:
        'A decimal number from -1e12 to 1e12, as a JSON number or a string such as "12.50"; anything else (hex, Infinity, spaces, a larger number) refuses the event with bad_value',
      anyOf: [{ type: 'number' }, text(32)],
    },
  },
  { name: 'event_id', type: 'text', column: 'event_id', canonical: true, json: text(128) },
  { name: 'ip', type: 'text', canonical: false, json: text(45) },
  {
    name: 'properties',
    // Kept as JSON text.
    type: 'text',
    column: 'properties',
    canonical: false,
    json: PROPERTIES_JSON,
  },
  // Plausible's name for properties: the collector reads it as `properties`.
  { name: 'props', type: 'text', canonical: false, json: PROPERTIES_JSON },
] as const satisfies readonly EventFieldSpec[];

export type EventFieldName = (typeof EVENT_SPECS)[number]['name'];

/** The fields the engine's normalizer reads, in order (core/normalize.ts keeps an equal copy). */
export const CANONICAL_EVENT_FIELDS: readonly string[] = EVENT_SPECS.filter((f) => f.canonical).map(
  (f) => f.name,
);

/** The collector's JSON-schema properties, one per field, in order. */
export const COLLECTOR_PROPERTIES: Readonly<Record<EventFieldName, object>> = Object.fromEntries(
  EVENT_SPECS.map((f) => [f.name, f.json]),
) as Record<EventFieldName, object>;

/** A text field's longest length in the collector (UTF-16 code units). */
export function maxLengthOf(name: EventFieldName): number {
  const json = EVENT_SPECS.find((f) => f.name === name)!.json as { maxLength?: number };
  if (json.maxLength === undefined) throw new Error(`${name} has no maxLength`);
  return json.maxLength;
}

/** The events table's event columns, in table order: each field's column, and `path` (the url's path). */
export const EVENT_COLUMN_NAMES = [
  'event_id',
  'ts_ms',
  'anonymous_id',
  'user_id',
  'event',
  'url',
  'path',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'session_key',
  'timezone',
  'country',
  'user_agent',
  'value',
  'properties',
] as const;

export type EventColumnName = (typeof EVENT_COLUMN_NAMES)[number];

export const EVENT_COLUMNS: readonly Column[] = EVENT_COLUMN_NAMES.map((name) => ({
  name,
  type: name === 'path' ? 'text' : EVENT_SPECS.find((f) => 'column' in f && f.column === name)!.type,
}));

/** What the store keeps before an event's columns: its sequence, import, receive time and session. */
export const EVENT_STORE_COLUMNS: readonly Column[] = [
  { name: 'seq', type: 'count' },
  { name: 'import_id', type: 'int32' },
  { name: 'received_at', type: 'time' },
  { name: 'session_id', type: 'text' },
];
