/**
 * The catalogue's comparison: two periods (`a`, `b`), before and after a change (`change`,
 * `window`), or the groups of a dimension or event property (`by`, `control`), each metric
 * tested, optionally per segment.
 *
 *   stint compare --change 2026-11-05 --window 14d --segment device_type
 */
import { StintError } from '../../core/errors.ts';
import { parseTimestamp } from '../../core/timestamp.ts';
import { type CompareSpec, compare, type Range } from '../insights/compare.ts';
import { type GroupKey, SESSION_DIMENSIONS, type SessionDimension } from '../plans.ts';
import { parseQueryOptions } from '../query-options.ts';
import { defineAnalysis } from './entry.ts';
import { limitParam, type ParamReader } from './params.ts';
import type { Spelling } from './spelling.ts';

const DIMENSIONS = Object.keys(SESSION_DIMENSIONS);

export const compareAnalysis = defineAnalysis({
  name: 'compare',
  summary:
    'two periods, before and after a change, or the groups of a property (an A/B test), each metric with a significance test',
  params: [
    {
      name: 'a',
      kind: 'text',
      placeholder: 'period',
      help: 'the first period, both days inclusive (2026-10-01..2026-10-31); with --b',
    },
    { name: 'b', kind: 'text', placeholder: 'period', help: 'the second period, compared with --a' },
    {
      name: 'change',
      kind: 'text',
      placeholder: 'date',
      help: 'before against after this date or ISO time (read in --tz), with a daily interrupted time series',
    },
    {
      name: 'window',
      kind: 'duration',
      placeholder: 'duration',
      help: 'with --change: this long on each side (14d); default: as long as the data allows, the same both sides',
    },
    {
      name: 'by',
      kind: 'text',
      placeholder: 'property',
      help: 'the groups of a dimension or event property (prop.NAME, or a bare NAME that is no dimension: variant), each against --control',
    },
    {
      name: 'control',
      kind: 'text',
      placeholder: 'value',
      help: 'with --by: the group the others are compared with; default: the one with most sessions',
    },
    {
      name: 'segment',
      kind: 'text',
      placeholder: 'dimension',
      help: `the whole comparison per value of a dimension too: ${DIMENSIONS.join(', ')}`,
    },
    { ...limitParam(5), help: 'segment values (and --by groups) at most, most sessions first' },
    {
      name: 'seed',
      kind: 'whole',
      min: 0,
      max: 4_294_967_295,
      example: 1,
      default: 1,
      placeholder: 'n',
      help: "the bootstrap's seed (the same seed gives the same answer)",
    },
  ],
  example: { change: '2026-11-05', window: '14d' },
  plan(read) {
    const query = read.query();
    return { query, spec: specOf(read, query.tz) };
  },
  run: (store, { query, spec }) => compare(store, query, spec),
});

function specOf(read: ParamReader, tz: string): CompareSpec {
  const s = read.spell;
  const a = read.text('a');
  const b = read.text('b');
  const change = read.text('change');
  const by = read.text('by');
  const modes = [a !== undefined || b !== undefined, change !== undefined, by !== undefined].filter(
    Boolean,
  ).length;
  const usage = `Give ${s.name('a')} and ${s.name('b')} (two periods), or ${s.name('change')} (before and after), or ${s.name('by')} (groups), e.g. ${s.example('change', '2026-11-05')}`;
  if (modes !== 1) {
    throw new StintError(
      'STINT_BAD_FLAG',
      modes === 0 ? 'compare needs what to compare' : 'compare takes one comparison at a time',
      usage,
    );
  }
  const common = {
    segment: dimensionOf(read.text('segment'), 'segment', s),
    limit: read.whole('limit'),
    seed: read.whole('seed'),
  };
  const window = read.duration('window');
  if (window !== undefined && change === undefined) {
    throw new StintError('STINT_BAD_FLAG', `${s.name('window')} goes with ${s.name('change')}`, usage);
  }
  const control = read.text('control');
  if (control !== undefined && by === undefined) {
    throw new StintError('STINT_BAD_FLAG', `${s.name('control')} goes with ${s.name('by')}`, usage);
  }
  if (a !== undefined || b !== undefined) {
    if (a === undefined || b === undefined) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `${s.name(a === undefined ? 'a' : 'b')} is missing: two periods are compared`,
        usage,
      );
    }
    return {
      kind: 'periods',
      a: periodOf(a, 'a', tz, s),
      b: periodOf(b, 'b', tz, s),
      labels: [a, b],
      ...common,
    };
  }
  if (change !== undefined) {
    const atMs = /^\d{4}-\d{2}-\d{2}/.test(change.trim()) ? parseTimestamp(change, tz) : undefined;
    if (atMs === undefined) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `Cannot read ${s.name('change')} "${change}" as a date or time`,
        `Use a date such as ${s.example('change', '2026-11-05')} or an ISO time (read in ${s.name('tz')} ${tz})`,
      );
    }
    return { kind: 'change', atMs, windowMs: window, ...common };
  }
  return { kind: 'groups', by: groupOf(by!, s), control, ...common };
}

/** `2026-10-01..2026-10-31`: dates (whole local days, both inclusive) or ISO times. */
function periodOf(text: string, param: string, tz: string, s: Spelling): Range {
  const parts = text.split('..');
  const bad = (why: string) =>
    new StintError(
      'STINT_BAD_FLAG',
      `Cannot read ${s.name(param)} "${text}" as a period: ${why}`,
      `Write first..last, both days inclusive, e.g. ${s.example(param, '2026-10-01..2026-10-31')}`,
    );
  if (parts.length !== 2) throw bad('no ".." between its first and last day');
  try {
    const q = parseQueryOptions({ from: parts[0]!.trim(), to: parts[1]!.trim(), tz }, s);
    return { fromMs: q.fromMs!, toMs: q.toMs! };
  } catch (err) {
    throw bad(err instanceof StintError ? err.message : String(err));
  }
}

function dimensionOf(text: string | undefined, param: string, s: Spelling): SessionDimension | undefined {
  if (text === undefined) return undefined;
  if (!Object.hasOwn(SESSION_DIMENSIONS, text)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${text}" for ${s.name(param)}`,
      `Use one of: ${DIMENSIONS.join(', ')}`,
    );
  }
  return text as SessionDimension;
}

/** A dimension, prop.NAME, or a bare NAME that is no dimension (an event property). */
function groupOf(text: string, s: Spelling): Extract<GroupKey, { kind: 'dimension' | 'property' }> {
  if (Object.hasOwn(SESSION_DIMENSIONS, text))
    return { kind: 'dimension', dimension: text as SessionDimension };
  const name = text.startsWith('prop.') ? text.slice(5) : text;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot read ${s.name('by')} "${text}" as a dimension or event property`,
      `Use a dimension (${DIMENSIONS.join(', ')}) or an event property such as ${s.example('by', 'variant')}`,
    );
  }
  return { kind: 'property', name };
}
