/**
 * A session's campaign as one dictionary value: (utm_source, utm_medium, utm_campaign) joined
 * so that no two triples share a value, and split back. Rule 6 compares these codes.
 *
 *   campaignParts(Dictionary.value(campaignCode(d, 'google', 'cpc', 'spring'))) // ['google', 'cpc', 'spring']
 */
import type { Dictionary } from './dictionary.ts';

/** The campaign code of (utm_source, utm_medium, utm_campaign): 0 when all three are empty. */
export function campaignCode(
  campaigns: Dictionary,
  source: string,
  medium: string,
  campaign: string,
): number {
  return source === '' && medium === '' && campaign === ''
    ? 0
    : campaigns.code(`${escapePart(source)}\u0001${escapePart(medium)}\u0001${escapePart(campaign)}`);
}

/**
 * The three parts of a campaign dictionary value. A value joins them with \u0001, each part with
 * \u0002 written as \u0002b and \u0001 as \u0002a first, so that no two triples share a value
 * (store/duckdb/columns.ts writes the same in SQL).
 */
export function campaignParts(value: string): [string, string, string] {
  if (value === '') return ['', '', ''];
  const [source = '', medium = '', campaign = ''] = value.split('\u0001').map(unescapePart);
  return [source, medium, campaign];
}

const escapePart = (part: string): string =>
  part.includes('\u0001') || part.includes('\u0002')
    ? part.replaceAll('\u0002', '\u0002b').replaceAll('\u0001', '\u0002a')
    : part;
const unescapePart = (part: string): string =>
  part.includes('\u0002')
    ? part.replace(/\u0002([ab])/g, (_, c: string) => (c === 'a' ? '\u0001' : '\u0002'))
    : part;
