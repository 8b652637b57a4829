/**
 * SQL as values: the `sql` tagged template binds every interpolated value as a parameter and
 * splices nested fragments; only `identifier` (allow-listed names) and `raw` (explicit) put text
 * into the SQL. A dialect turns a fragment into a `CompiledQuery` (see dialect.ts).
 *
 *   sql`SELECT count(*) FROM sessions WHERE identity = ${who}` // who is a parameter, never SQL text
 */
import { EVENT_COLUMNS, EVENT_STORE_COLUMNS } from '../schema/events.ts';
import { SESSION_COLUMNS } from '../schema/sessions.ts';

export type Scalar = string | number | bigint | boolean;
export type Param = Scalar | readonly Scalar[];

export interface CompiledQuery {
  readonly sql: string;
  /** Bound values; an array binds as a list. Empty where the dialect inlines values as literals. */
  readonly params: Param[];
}

/** One piece of a fragment: trusted text, or a value to bind. */
export type Part = { readonly text: string } | { readonly value: Param };

/** A piece of SQL: text written in the code, and values kept apart from it. */
export class Sql {
  readonly #parts: readonly Part[];
  constructor(parts: readonly Part[]) {
    this.#parts = parts;
  }
  get parts(): readonly Part[] {
    return this.#parts;
  }
}

export function sql(strings: TemplateStringsArray, ...values: readonly (Param | Sql)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push({ text });
    if (i >= values.length) return;
    const v = values[i]!;
    if (v instanceof Sql) parts.push(...v.parts);
    else parts.push({ value: checked(v) });
  });
  return new Sql(parts);
}

function checked(v: Param): Param {
  const ok = (x: unknown) =>
    typeof x === 'string' ||
    typeof x === 'bigint' ||
    typeof x === 'boolean' ||
    (typeof x === 'number' && Number.isFinite(x));
  if (Array.isArray(v) ? !v.every(ok) : !ok(v)) {
    throw new TypeError(`cannot bind ${String(v)} as an SQL value`);
  }
  return v;
}

/** Text that becomes SQL as it is: only text written in the code, never a value from outside. */
export function raw(text: string): Sql {
  return new Sql([{ text }]);
}

/** The tables and columns stint's analyses may name at run time: the columns of schema/. */
export const KNOWN_NAMES: ReadonlySet<string> = new Set([
  'sessions',
  'events',
  'identities',
  ...SESSION_COLUMNS.map((c) => c.name),
  ...EVENT_STORE_COLUMNS.map((c) => c.name),
  ...EVENT_COLUMNS.map((c) => c.name),
]);

/** A table or column name; refused unless it is one of KNOWN_NAMES. */
export function identifier(name: string): Sql {
  if (!KNOWN_NAMES.has(name)) throw new Error(`"${name}" is not a known table or column`);
  return raw(name);
}

/**
 * A name the code itself writes (a derived column such as `next_ts_ms`, a named subquery such
 * as `f1`) as SQL; refused unless it is a plain lower-case word. Names from outside go through
 * `identifier`.
 */
export function sqlName(name: string): Sql {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain SQL name`);
  return raw(name);
}

/** Fragments one after another with `separator` between them. */
export function join(items: readonly Sql[], separator: Sql = raw(', ')): Sql {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(...separator.parts);
    parts.push(...item.parts);
  });
  return new Sql(parts);
}

/** The SQL text of a fragment, each value written by `place` (its placeholder or literal). */
export function render(q: Sql, place: (value: Param) => string): string {
  return q.parts.map((p) => ('text' in p ? p.text : place(p.value))).join('');
}
