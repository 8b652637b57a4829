/**
 * Where a visit came from: its source under one canonical name, and its channel, by rules that
 * follow GA4's default channel grouping (docs/sessions.md has the rules and a worked table).
 * A referrer from the page's own host, or from one of the site's hosts, is internal: internal
 * navigation never becomes a source.
 *
 *   attribute({ url: 'https://shop.example/?gclid=x', referrer: 'https://www.google.de/' }, [])
 *   // { source: 'Google', channel: 'Paid Search', internal: false }
 */
import { type KnownSource, sourceOfHost, sourceOfTag } from './sources.ts';
import { bareHost, clickIdOf, siteHostOf } from './url-facts.ts';

export const CHANNELS = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Organic Social',
  'Paid Social',
  'Email',
  'Referral',
  'Display',
  'Affiliates',
  'Other',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** What one event says of where the visit came from (utm_* as read from the event or its URL). */
export interface Touch {
  readonly url: string;
  readonly referrer: string;
  readonly utm_source?: string;
  readonly utm_medium?: string;
  readonly utm_campaign?: string;
}

export interface Attribution {
  /** The canonical name of a known source, else the utm_source as given, else the referrer's host; '' for none. */
  readonly source: string;
  readonly channel: Channel;
  /** The referrer is the site itself (it was ignored). */
  readonly internal: boolean;
}

/** Ad click ids a landing URL carries, and the source each means. */
const CLICK_IDS: Readonly<Record<string, { source: string; paid: 'search' | 'social' | 'display' }>> = {
  gclid: { source: 'Google', paid: 'search' },
  gbraid: { source: 'Google', paid: 'search' },
  wbraid: { source: 'Google', paid: 'search' },
  dclid: { source: 'Google', paid: 'display' },
  msclkid: { source: 'Bing', paid: 'search' },
  // Facebook adds fbclid to every outbound link, paid or not: it names the source only.
  fbclid: { source: 'Facebook', paid: 'social' },
  ttclid: { source: 'TikTok', paid: 'social' },
  li_fat_id: { source: 'LinkedIn', paid: 'social' },
};

// GA4's patterns, as its channel definitions write them.
const PAID = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const DISPLAY = /^(display|banner|expandable|interstitial|cpm)$/;
const SOCIAL = /^(social|social-network|social-media|sm|social network|social media)$/;
const EMAIL = /^(email|e-mail|e_mail|e mail|newsletter)$/;
const NONE = /^(|\(none\)|\(not set\)|none|direct|\(direct\))$/;

/**
 * The source and channel of a visit that starts with `touch`. `siteHosts` are the site's own
 * hosts (lower case); a referrer from one of them, or from the page's own host, is internal.
 */
export function attribute(touch: Touch, siteHosts: readonly string[]): Attribution {
  const refHost = siteHostOf(touch.referrer);
  const own = new Set([siteHostOf(touch.url), ...siteHosts.map(bareHost)].filter((h) => h !== ''));
  const internal = refHost !== '' && own.has(refHost);
  return {
    ...attributeVisit({
      utmSource: touch.utm_source ?? '',
      utmMedium: touch.utm_medium ?? '',
      utmCampaign: touch.utm_campaign ?? '',
      referrer: internal ? '' : touch.referrer,
      clickId: clickIdOf(touch.url),
    }),
    internal,
  };
}

/** What a session knows of where it came from: its first utm tags, external referrer and click id. */
export interface Visit {
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
  /** The first referrer that is not the site itself ('' for none). */
  readonly referrer: string;
  /** The first ad click id parameter of its URLs (`gclid`…; '' for none). */
  readonly clickId: string;
}

/** The source and channel of a visit whose referrer is already known to be external. */
export function attributeVisit(visit: Visit): Omit<Attribution, 'internal'> {
  const external = siteHostOf(visit.referrer);
  // utm_source=(direct) is no source, as GA4 reads it.
  const given = visit.utmSource.trim();
  const tag = NONE.test(given.toLowerCase()) ? '' : given;
  const medium = visit.utmMedium.trim().toLowerCase();
  const campaign = visit.utmCampaign.trim().toLowerCase();
  const click = CLICK_IDS[visit.clickId];

  const known: KnownSource | undefined =
    tag !== ''
      ? sourceOfTag(tag)
      : external !== ''
        ? sourceOfHost(external)
        : click !== undefined
          ? sourceOfTag(click.source)
          : undefined;
  const source = known?.name ?? (tag !== '' ? tag : external);
  // An ad click id with no medium of its own says the visit was paid for (fbclid does not:
  // Facebook adds it to every outbound link).
  const clickPaid =
    medium === '' && click !== undefined && click.source === source && click.paid !== 'social'
      ? click.paid
      : undefined;
  const fromReferrer = tag === '' && external !== '';
  return {
    source,
    channel: channelOf({ source, category: known?.category, medium, campaign, clickPaid, fromReferrer }),
  };
}

interface Facts {
  readonly source: string;
  readonly category: KnownSource['category'] | undefined;
  readonly medium: string;
  readonly campaign: string;
  readonly clickPaid: 'search' | 'display' | undefined;
  readonly fromReferrer: boolean;
}

/**
 * GA4's rules in its order, first match wins, onto stint's ten channels: video sites count as
 * social (GA4: Organic and Paid Video); cross-network campaigns, paid traffic of no known kind
 * ("Paid Other") and what GA4 leaves unassigned are Other.
 */
function channelOf({ source, category, medium, campaign, clickPaid, fromReferrer }: Facts): Channel {
  if (source === '' && NONE.test(medium)) return 'Direct';
  if (campaign.includes('cross-network')) return 'Other';
  const paid = PAID.test(medium);
  const social = category === 'social' || category === 'video';
  if ((paid && category === 'search') || clickPaid === 'search') return 'Paid Search';
  if (paid && social) return 'Paid Social';
  if (DISPLAY.test(medium) || clickPaid === 'display') return 'Display';
  if (paid) return 'Other';
  if (social || SOCIAL.test(medium)) return 'Organic Social';
  if (category === 'search' || medium === 'organic') return 'Organic Search';
  if (category === 'email' || EMAIL.test(medium) || EMAIL.test(source.toLowerCase())) return 'Email';
  if (medium === 'affiliate' || medium === 'affiliates') return 'Affiliates';
  // A referrer with no tags is a referral, as GA4 records it (medium "referral").
  if (medium === 'referral' || medium === 'app' || medium === 'link' || (medium === '' && fromReferrer)) {
    return 'Referral';
  }
  return 'Other';
}
