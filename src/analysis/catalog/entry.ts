/**
 * One catalogue entry: an analysis described once, as data (name, summary, parameters) with how
 * its parameters become what it runs on (`plan`) and how it runs (`run`, the JSON that
 * `stint NAME --json` prints and `GET /api/v1/NAME` answers).
 *
 *   const params = planAnalysis(entry, { limit: '10' }, API_SPELLING);
 *   const rows = await runAnalysis(entry, store, params, API_SPELLING);
 */
import type { Store } from '../../store/store.ts';
import type { QueryOptions } from '../query-options.ts';
import { type Param, type ParamReader, QUERY_PARAMS, type RawParams, readParams } from './params.ts';
import { respelledError, type Spelling } from './spelling.ts';

/** What every plan gives beside its own: the period, zone and filters (from, to, tz, filter). */
export interface Planned {
  readonly query: QueryOptions;
}

export interface Analysis<P extends Planned = Planned, R = unknown> {
  readonly name: string;
  /** One line, lower case, no full stop: the command's summary and the route's. */
  readonly summary: string;
  /** Its own parameters, after the common ones (QUERY_PARAMS), in the order --help lists them. */
  readonly params: readonly Param[];
  /** A typical call's own parameters, for the examples of --help and the docs. */
  readonly example?: Readonly<Record<string, string | readonly string[]>>;
  /** Reads the parameters (usage errors surface here, before any store is opened). */
  plan(read: ParamReader): P;
  /** Runs on a store: the result is what the CLI's --json prints and the API answers. */
  run(store: Store, params: P): Promise<R>;
}

/** Every parameter an entry takes: the common ones first. */
export function paramsOf(entry: Pick<Analysis, 'params'>): readonly Param[] {
  return [...QUERY_PARAMS, ...entry.params];
}

export function planAnalysis<P extends Planned>(
  entry: Analysis<P, unknown>,
  raw: RawParams,
  spell: Spelling,
): P {
  return entry.plan(readParams(paramsOf(entry), raw, spell));
}

/** Runs an entry; an analysis's own usage errors (too many buckets…) are told in `spell`'s words. */
export async function runAnalysis<P extends Planned, R>(
  entry: Analysis<P, R>,
  store: Store,
  params: P,
  spell: Spelling,
): Promise<R> {
  try {
    return await entry.run(store, params);
  } catch (err) {
    throw respelledError(spell, err);
  }
}

export function defineAnalysis<P extends Planned, R>(entry: Analysis<P, R>): Analysis<P, R> {
  return entry;
}
