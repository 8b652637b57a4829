/**
 * The catalogue's parameters, as data: each has one name (`click_event`), a kind with its bounds
 * and default, and a help text. Front ends derive their flags, query-string schemas and OpenAPI
 * from them; `readParams` reads raw values (strings from a command line or a query) the same way
 * for all, and its errors name the parameter as the front end spells it.
 *
 *   const read = readParams(QUERY_PARAMS.concat(entry.params), { limit: '10' }, API_SPELLING);
 *   read.whole('limit') // 10
 */
import { oneOf, wholeNumber } from '../../core/bounded.ts';
import { MAX_DURATION_MS, parseDuration } from '../../core/duration.ts';
import { TIME_UNITS } from '../breakdown.ts';
import { SESSION_DIMENSIONS } from '../plans.ts';
import { parseQueryOptions, type QueryOptions } from '../query-options.ts';
import type { Spelling } from './spelling.ts';

export type ParamKind =
  /** Decimal digits only, from min to max. */
  | {
      readonly kind: 'whole';
      readonly min: number;
      readonly max: number;
      readonly example: number;
      readonly default?: number;
    }
  /** One of a list (`caseless`: read in lower case). */
  | {
      readonly kind: 'choice';
      readonly choices: readonly string[];
      readonly default?: string;
      readonly caseless?: boolean;
    }
  /** 90s, 30m, 1h30m, 7d (at most MAX_DURATION_MS). */
  | { readonly kind: 'duration' }
  | { readonly kind: 'text'; readonly default?: string }
  /** Given any number of times (`--step a --step b`, `step=a&step=b`). */
  | { readonly kind: 'texts' }
  /** On or off: `--any-order`, `any_order` (empty, 1, true or yes is on). */
  | { readonly kind: 'flag' };

export type Param = ParamKind & {
  /** The one name: snake_case. */
  readonly name: string;
  /** What it is, for --help and OpenAPI. */
  readonly help: string;
  /** The value's name in --help: `--limit <n>`. */
  readonly placeholder?: string;
  readonly required?: boolean;
  /**
   * On the command line, also the command's next argument (`stint profile alice` as well as
   * `--identity alice`), in the order of the entry's params. Front ends other than the CLI ignore it.
   */
  readonly positional?: boolean;
};

/** A parameter's value as a front end got it: text, repeated text, or a command-line switch. */
export type RawValue = string | readonly string[] | boolean | undefined;
export type RawParams = Readonly<Record<string, RawValue>>;

/** The parameters every analysis takes: the period, its zone and filters. */
export const QUERY_PARAMS: readonly Param[] = [
  {
    name: 'from',
    kind: 'text',
    placeholder: 'date',
    help: 'first day (2026-10-01) or instant (ISO time) of the period; default: the first session',
  },
  {
    name: 'to',
    kind: 'text',
    placeholder: 'date',
    help: 'last day (inclusive) or end instant (exclusive); default: the last session',
  },
  {
    name: 'tz',
    kind: 'text',
    placeholder: 'iana',
    help: 'zone of dates, day buckets and local hours',
    default: 'UTC',
  },
  {
    name: 'filter',
    kind: 'texts',
    placeholder: 'dim=value',
    help: `keep sessions where dim = value (also != and ~ for contains), repeatable; dims: ${Object.keys(SESSION_DIMENSIONS).join(', ')}, or prop.NAME for an event property`,
  },
];

/** The numeric parameters' bounds: past them an answer is no longer an analysis, and a number sent on to SQL could leave int64. */
export const LIMIT = { min: 1, max: 100_000, example: 10 } as const;

/** `limit`: rows at most. */
export const limitParam = (defaultRows: number): Param => ({
  name: 'limit',
  kind: 'whole',
  ...LIMIT,
  default: defaultRows,
  placeholder: 'n',
  help: `rows at most (up to ${LIMIT.max})`,
});

/** `interval`: the time buckets, day by default, in any case (`DAY`); `what` leads the help text. */
export const intervalParam = (what: string): Param => ({
  name: 'interval',
  kind: 'choice',
  choices: TIME_UNITS,
  caseless: true,
  default: 'day',
  placeholder: 'unit',
  help: `${what}: ${TIME_UNITS.join(', ')}`,
});

/** The values of one request, read by their parameters' kinds when asked for (in the order asked). */
export interface ParamReader {
  readonly spell: Spelling;
  /** from, to, tz and filter. */
  query(): QueryOptions;
  whole(name: string): number;
  choice<T extends string>(name: string): T;
  text(name: string): string | undefined;
  texts(name: string): readonly string[];
  /** Milliseconds; undefined when not given. */
  duration(name: string): number | undefined;
  flag(name: string): boolean;
}

export function readParams(params: readonly Param[], raw: RawParams, spell: Spelling): ParamReader {
  const spec = (name: string): Param => {
    const p = params.find((x) => x.name === name);
    if (p === undefined) throw new Error(`no parameter ${name} in the catalogue entry`);
    return p;
  };
  const one = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined || typeof v === 'boolean') return undefined;
    return typeof v === 'string' ? v : v[0];
  };
  const fallback = (p: Param): string | undefined =>
    'default' in p && p.default !== undefined ? String(p.default) : undefined;
  const texts = (name: string): readonly string[] => {
    const v = raw[name];
    return v === undefined || typeof v === 'boolean' ? [] : typeof v === 'string' ? [v] : v;
  };
  return {
    spell,
    query: () =>
      parseQueryOptions({ from: one('from'), to: one('to'), tz: one('tz'), filter: texts('filter') }, spell),
    whole(name) {
      const p = spec(name);
      if (p.kind !== 'whole') throw new Error(`${name} is no whole number`);
      return wholeNumber(one(name) ?? fallback(p), spell.name(name), p, (v) =>
        spell.example(name, String(v)),
      );
    },
    choice<T extends string>(name: string): T {
      const p = spec(name);
      if (p.kind !== 'choice') throw new Error(`${name} is no choice`);
      const text = one(name) ?? fallback(p) ?? '';
      return oneOf(p.caseless === true ? text.toLowerCase() : text, p.choices, spell.name(name)) as T;
    },
    text: (name) => one(name) ?? fallback(spec(name)),
    texts(name) {
      spec(name);
      return texts(name);
    },
    duration(name) {
      const text = one(name);
      return text === undefined ? undefined : parseDuration(text, spell.name(name), MAX_DURATION_MS);
    },
    flag(name) {
      spec(name);
      const v = raw[name];
      if (typeof v === 'boolean') return v;
      const text = one(name);
      return text !== undefined && (text === '' || /^(1|true|yes)$/i.test(text));
    },
  };
}

/** At most this many values of one parameter, each at most this long (a query is no upload). */
export const MAX_VALUES = 50;
export const MAX_VALUE_LENGTH = 1000;

/** A parameter's JSON schema, as OpenAPI describes it: its type, bounds, choices and default. */
export function paramSchema(p: Param): Record<string, unknown> {
  switch (p.kind) {
    case 'whole':
      return { type: 'integer', minimum: p.min, maximum: p.max, ...defaultOf(p), examples: [p.example] };
    case 'choice':
      return { type: 'string', enum: p.choices, ...defaultOf(p) };
    case 'duration':
      return { type: 'string', examples: ['7d', '1h30m'] };
    case 'text':
      return { type: 'string', ...defaultOf(p) };
    case 'texts':
      return { type: 'array', items: { type: 'string' } };
    case 'flag':
      return { type: 'boolean', default: false };
  }
}

const defaultOf = (p: { default?: string | number }) =>
  p.default === undefined ? {} : { default: p.default };
