/**
 * The catalogue entry of `stint anomalies` (`GET /api/v1/anomalies`): fraud-like and anomalous
 * sessions with their reasons, and anomalous days. Every threshold is a parameter whose default
 * is DEFAULT_THRESHOLDS (docs/insights/anomalies.md).
 *
 *   stint anomalies --failure-events login_failed,error --failure-count 5 --failure-window 2m
 */
import { StintError } from '../../core/errors.ts';
import { anomalies, DEFAULT_THRESHOLDS, type Thresholds } from '../insights/anomalies.ts';
import { defineAnalysis } from './entry.ts';
import { limitParam, type Param, type ParamReader } from './params.ts';

const T = DEFAULT_THRESHOLDS;
const COUNT = { min: 1, max: 100_000, example: 5 } as const;

const whole = (name: string, dflt: number, help: string, min = 1): Param => ({
  name,
  kind: 'whole',
  ...COUNT,
  min,
  default: dflt,
  placeholder: 'n',
  help,
});
const number = (name: string, dflt: number, help: string): Param => ({
  name,
  kind: 'text',
  default: String(dflt),
  placeholder: 'x',
  help,
});
const duration = (name: string, dflt: string, help: string): Param => ({
  name,
  kind: 'duration',
  placeholder: 'duration',
  help: `${help} (default ${dflt})`,
});

/** A positive decimal number parameter. */
function positive(read: ParamReader, name: string): number {
  const text = read.text(name) ?? '';
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0 || x > 1000) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `${read.spell.name(name)} must be a number above 0 (at most 1000), not "${text}"`,
      `Give it as ${read.spell.example(name, '3.5')}`,
    );
  }
  return x;
}

const seconds = (read: ParamReader, name: string, dflt: number): number => {
  const ms = read.duration(name);
  return ms === undefined ? dflt : ms / 1000;
};

export const anomaliesAnalysis = defineAnalysis({
  name: 'anomalies',
  summary:
    'fraud-like and anomalous sessions with a score and the reasons, and days far from their weekday baseline',
  params: [
    limitParam(20),
    {
      name: 'failure_events',
      kind: 'text',
      default: T.failureEvents.join(','),
      placeholder: 'names',
      help: 'the failure events, comma-separated',
    },
    whole('failure_count', T.failureCount, 'repeated failures: this many failure events or more …'),
    duration('failure_window', `${T.failureMinutes}m`, '… within this long'),
    whole('burst_events', T.burstEvents, 'a burst: this many events or more …', 2),
    duration('burst_window', `${T.burstSeconds}s`, '… within this long'),
    duration(
      'fast_interval',
      `${T.fastIntervalS}s`,
      'too fast for a person: a median gap between pageviews under this …',
    ),
    whole('fast_min_pageviews', T.fastMinPageviews, '… over this many pageviews or more', 2),
    number(
      'duration_z',
      T.durationZ,
      "|robust z| of log duration within the session's device type that is odd",
    ),
    number('navigation_z', T.markovZ, 'robust z of the mean surprisal of page transitions that is odd'),
    whole(
      'navigation_min_steps',
      T.markovMinTransitions,
      'page transitions a session needs for a navigation score',
    ),
    whole('devices_per_hour', T.devicesPerHour, 'one user on this many devices or more within an hour', 2),
    whole('zones_per_hour', T.zonesPerHour, 'one user in this many time zones or more within an hour', 2),
    number(
      'min_score',
      T.minScore,
      'flag sessions scoring at least this (each signal that fires adds 1 to 3)',
    ),
    number('day_z', T.dayZ, "|robust z| of a day's sessions or conversions against the same weekdays before"),
    {
      name: 'baseline_weeks',
      kind: 'whole',
      min: 3,
      max: 52,
      example: 4,
      default: T.baselineWeeks,
      placeholder: 'n',
      help: 'same weekdays before a day that make its baseline (3 or more needed)',
    },
  ],
  example: { failure_events: 'login_failed,payment_failed', limit: '10' },
  plan: (read) => {
    const thresholds: Thresholds = Object.freeze({
      ...T,
      failureEvents: Object.freeze(
        (read.text('failure_events') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
      failureCount: read.whole('failure_count'),
      failureMinutes: seconds(read, 'failure_window', T.failureMinutes * 60) / 60,
      burstEvents: read.whole('burst_events'),
      burstSeconds: seconds(read, 'burst_window', T.burstSeconds),
      fastIntervalS: seconds(read, 'fast_interval', T.fastIntervalS),
      fastMinPageviews: read.whole('fast_min_pageviews'),
      durationZ: positive(read, 'duration_z'),
      markovZ: positive(read, 'navigation_z'),
      markovMinTransitions: read.whole('navigation_min_steps'),
      devicesPerHour: read.whole('devices_per_hour'),
      zonesPerHour: read.whole('zones_per_hour'),
      minScore: positive(read, 'min_score'),
      dayZ: positive(read, 'day_z'),
      baselineWeeks: read.whole('baseline_weeks'),
    });
    return { query: read.query(), limit: read.whole('limit'), thresholds };
  },
  run: (store, { query, limit, thresholds }) => anomalies(store, query, thresholds, limit),
});
