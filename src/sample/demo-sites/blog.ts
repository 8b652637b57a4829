/**
 * `blog`: the blog and docs of a developer tool. Desktop-heavy, read in the morning and the
 * evening and more at weekends; mostly organic search and social, a Tuesday newsletter, and one
 * post that reaches the front page of Hacker News (three weeks before the end). Most visits read
 * one post and leave; the goal is `signup` (the newsletter form, no value).
 */
import { type JourneyContext, page, type SiteModel, type Step, zipfRank } from '../site-model.ts';

/** Posts, oldest first; the last ones come out during the period, one a week. */
const POSTS = [
  'hello-world',
  'why-sessions-not-pageviews',
  'the-30-minute-rule',
  'late-events-explained',
  'sessionizing-access-logs',
  'duckdb-for-analytics',
  'funnels-that-do-not-lie',
  'self-referrals-and-sources',
  'bounce-rate-is-not-a-vanity-metric',
  'cookieless-visitor-ids',
  'retention-cohorts-101',
  'engagement-time-done-right',
  'clickhouse-on-one-laptop',
  'migrating-from-universal-analytics',
  'time-zones-are-hard',
  'our-release-process',
  'why-we-rewrote-our-sessionizer',
  'utm-tags-a-field-guide',
  'the-tiny-tracker',
  'sankey-diagrams-for-paths',
  'privacy-by-default',
  'what-is-a-bot',
  'benchmarks-without-lies',
  'year-in-review',
] as const;
/** Posts out before the period starts; then one more every 7 days. */
const PUBLISHED_BEFORE = 12;
/** The post that reaches Hacker News, and the day (from the end) it does. */
export const HN_POST = 'why-we-rewrote-our-sessionizer';
const HN_DAYS_BEFORE_END = 21;
const DOCS = ['getting-started', 'install', 'sessions', 'rules', 'import', 'serve', 'tracker', 'api', 'faq'];

/** The posts out on a day of the period (newest first: new posts are read most). */
function postsOut(dayIndex: number): string[] {
  const n = Math.min(POSTS.length, PUBLISHED_BEFORE + Math.floor(dayIndex / 7));
  return POSTS.slice(0, n).reverse();
}

function readPost(ctx: JourneyContext): string {
  const out = postsOut(ctx.dayIndex);
  return `/blog/${out[zipfRank(out.length, ctx.random)]}`;
}

export const BLOG: SiteModel = {
  name: 'blog',
  origin: 'https://blog.example',
  singlePage: false,
  about: 'the blog and docs of a developer tool: posts, docs, a newsletter form',
  sessionsPerDay: 145,
  growth: 0.25,
  weekly: [1.45, 0.92, 0.95, 0.95, 0.93, 0.9, 1.4],
  hourly: [3, 1.5, 0.8, 0.5, 0.5, 1, 2.5, 5, 6.5, 6, 5, 4.5, 5, 4.5, 4, 4, 4.2, 4.8, 5.5, 6.5, 7.5, 8, 7, 5],
  devices: [
    ['desktop', 62],
    ['mobile', 34],
    ['tablet', 4],
  ],
  countries: [
    ['US', 30],
    ['IN', 10],
    ['DE', 9],
    ['GB', 8],
    ['FR', 5],
    ['CA', 5],
    ['NL', 4],
    ['BR', 4],
    ['JP', 3],
    ['PL', 3],
    ['AU', 3],
    ['SE', 2],
    ['ES', 2],
    ['KR', 2],
    ['SG', 2],
    ['CH', 2],
    ['IT', 2],
    ['ZA', 1],
  ],
  arrivals: [
    ['organic', 52],
    ['social', 16],
    ['direct', 15],
    ['referral', 11],
    ['email', 2],
    ['paid_social', 1],
  ],
  campaigns: {
    newsletter: 'newsletter_w#',
    search: ['docs_search'],
    paidSocial: [['linkedin', 'devtools_awareness', 'www.linkedin.com']],
    social: [
      ['https://news.ycombinator.com/', 10],
      ['https://www.reddit.com/', 9],
      ['https://old.reddit.com/', 2],
      ['https://t.co/', 8],
      ['https://www.linkedin.com/', 5],
      ['https://lnkd.in/', 1],
      ['https://mastodon.social/', 2],
      ['https://bsky.app/', 2],
    ],
    referral: [
      ['https://github.com/', 10],
      ['https://stackoverflow.com/', 6],
      ['https://dev.to/', 4],
      ['https://medium.com/', 3],
      ['https://chatgpt.com/', 3],
      ['https://www.producthunt.com/', 1],
    ],
  },
  extraVisits: ({ index, weekday, days }) => {
    const extra: [JourneyContext['arrival'], number][] = [];
    // Newsletter on Tuesdays.
    if (weekday === 2) extra.push(['email', 45]);
    if (weekday === 3) extra.push(['email', 12]);
    // A day on the front page of Hacker News, and the tail of it.
    const hn = days - HN_DAYS_BEFORE_END;
    if (index === hn) extra.push(['social', 1600]);
    if (index === hn + 1) extra.push(['social', 450]);
    if (index === hn + 2) extra.push(['social', 120]);
    return extra;
  },
  returning: { share: 0.32, loyal: 0.3, lifetimeDays: 35 },
  resumePaths: ['/', '/docs/getting-started', '/blog/the-30-minute-rule'],

  journey(ctx) {
    const { random, arrival, dayIndex, days } = ctx;
    const steps: Step[] = [];
    const hnDay = dayIndex >= days - HN_DAYS_BEFORE_END && dayIndex <= days - HN_DAYS_BEFORE_END + 2;
    let at =
      arrival === 'social' && hnDay && random.chance(0.9)
        ? `/blog/${HN_POST}`
        : arrival === 'email'
          ? `/blog/${postsOut(dayIndex)[0]}`
          : arrival === 'referral' || (arrival === 'organic' && random.chance(0.4))
            ? `/docs/${random.pick(DOCS)}`
            : arrival === 'direct'
              ? random.chance(0.6)
                ? '/'
                : `/docs/${random.pick(DOCS)}`
              : readPost(ctx);
    for (let n = 0; n < 20; n++) {
      const isPost = at.startsWith('/blog/');
      steps.push(page(at, isPost ? 110_000 : at.startsWith('/docs/') ? 70_000 : 15_000, random));
      if (isPost && random.chance(0.1))
        steps.push({
          kind: 'event',
          name: 'outbound',
          afterMs: 80_000,
          props: { link_url: random.pick(['https://github.com/stint/stint', 'https://duckdb.org/docs/']) },
        });
      if (at.startsWith('/docs/') && random.chance(0.12))
        steps.push({ kind: 'event', name: 'click', afterMs: 30_000, props: { element: 'copy-code' } });
      if (at === '/docs/getting-started' && random.chance(0.08))
        steps.push({
          kind: 'event',
          name: 'download',
          afterMs: 40_000,
          props: { link_url: 'https://blog.example/files/stint-cheatsheet.pdf' },
        });
      // The inline newsletter form at the end of a post, or the /newsletter page.
      if ((isPost && random.chance(0.012)) || at === '/newsletter') {
        if (at === '/newsletter' && !random.chance(0.45)) break;
        steps.push({
          kind: 'event',
          name: 'signup',
          afterMs: 90_000,
          props: { form: isPost ? 'inline' : 'page' },
        });
        if (random.chance(0.5)) break;
      }
      if (random.chance(n === 0 ? (isPost ? 0.68 : 0.45) : 0.35)) break;
      at = random.weighted<string>([
        [readPost(ctx), 5],
        [`/docs/${random.pick(DOCS)}`, 3],
        ['/blog', 1.5],
        ['/', 1],
        ['/newsletter', 0.25],
        ['/about', 0.3],
      ]);
    }
    return steps;
  },
};
