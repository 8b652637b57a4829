/**
 * `app`: a SaaS product, its marketing pages and the app itself. Desktop, office hours, much
 * quieter at weekends; search ads, LinkedIn ads, referrals from review sites. The README's
 * funnel is here: `/` → `/pricing` → `event:purchase` (value: the plan's price, `prop.plan`),
 * with `/signup` and `event:signup` between. Signed-up users come back logged in (`user_id`).
 * On the release day a new `/app/onboarding` page greets new accounts.
 */
import { page, type SiteModel, type Step } from '../site-model.ts';

/** Plans and their prices (monthly). */
export const PLANS = [
  ['pro', 29],
  ['team', 99],
] as const;

const MARKETING = ['/features', '/customers', '/integrations', '/security', '/changelog'];
const APP_PAGES = ['/app/projects', '/app/reports', '/app/reports/weekly', '/app/settings', '/app/team'];

export const APP: SiteModel = {
  name: 'app',
  origin: 'https://app.example',
  singlePage: true,
  about: 'a SaaS product: marketing pages, pricing, sign-up, the logged-in app, paid plans',
  sessionsPerDay: 120,
  growth: 0.2,
  weekly: [0.42, 1.05, 1.1, 1.08, 1.04, 0.92, 0.4],
  hourly: [
    0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.5, 3.5, 6.5, 8.5, 9, 8.5, 7, 7.5, 8.5, 8.5, 8, 7, 5, 3.5, 3, 2.5, 1.8, 1,
  ],
  devices: [
    ['desktop', 80],
    ['mobile', 17],
    ['tablet', 3],
  ],
  countries: [
    ['US', 34],
    ['GB', 10],
    ['DE', 10],
    ['CA', 6],
    ['FR', 5],
    ['NL', 5],
    ['AU', 4],
    ['IN', 5],
    ['SE', 3],
    ['CH', 3],
    ['IE', 2],
    ['ES', 2],
    ['SG', 2],
    ['JP', 2],
    ['BR', 2],
    ['PL', 2],
    ['KR', 1],
  ],
  arrivals: [
    ['organic', 30],
    ['direct', 24],
    ['cpc', 20],
    ['referral', 12],
    ['paid_social', 6],
    ['social', 5],
    ['email', 3],
  ],
  campaigns: {
    newsletter: 'product_update_w#',
    search: ['brand', 'competitor_alternatives', 'analytics_software'],
    paidSocial: [
      ['linkedin', 'b2b_q4', 'www.linkedin.com'],
      ['facebook', 'retargeting_trial', 'm.facebook.com'],
    ],
    social: [
      ['https://www.linkedin.com/', 10],
      ['https://t.co/', 6],
      ['https://www.reddit.com/', 4],
      ['https://news.ycombinator.com/', 3],
      ['https://www.youtube.com/', 2],
    ],
    referral: [
      ['https://www.g2.com/', 8],
      ['https://www.capterra.com/', 5],
      ['https://www.producthunt.com/', 3],
      ['https://blog.example/', 4],
      ['https://github.com/', 2],
    ],
  },
  // A product update mail every other Wednesday.
  extraVisits: ({ index, weekday }) =>
    weekday === 3 && Math.floor(index / 7) % 2 === 0 ? [['email', 40]] : [],
  returning: { share: 0.5, loyal: 0.5, lifetimeDays: 45 },
  resumePaths: ['/app', '/app/projects', '/pricing'],

  journey(ctx) {
    const { random, visitor, arrival } = ctx;
    if (visitor.userId !== '' && arrival !== 'cpc' && arrival !== 'paid_social') return workday(ctx);
    const steps: Step[] = [];
    let at =
      arrival === 'cpc'
        ? random.weighted<string>([
            ['/', 5],
            ['/pricing', 3],
            ['/features', 2],
          ])
        : arrival === 'referral'
          ? random.weighted<string>([
              ['/', 5],
              ['/pricing', 2],
            ])
          : arrival === 'email'
            ? '/changelog'
            : random.weighted<string>([
                ['/', 8],
                ['/features', 1],
                ['/pricing', 1],
              ]);
    for (let n = 0; n < 12; n++) {
      steps.push(page(at, at === '/pricing' ? 45_000 : 25_000, random));
      if (at === '/' && random.chance(0.22))
        steps.push({ kind: 'event', name: 'click', afterMs: 8000, props: { element: 'hero-cta' } });
      if (at === '/pricing' && random.chance(0.3))
        steps.push({ kind: 'event', name: 'click', afterMs: 20_000, props: { element: 'billing-annual' } });
      if (at === '/signup') {
        if (!random.chance(0.42)) break;
        return signedUp(steps, ctx);
      }
      if (random.chance(n === 0 ? 0.38 : 0.25)) break;
      at =
        at === '/pricing'
          ? random.weighted<string>([
              ['/signup', 1.2],
              ['/features', 1.2],
              ['/customers', 0.5],
            ])
          : random.weighted<string>([
              ['/pricing', 4],
              [random.pick(MARKETING), 3],
              ['/signup', 0.4],
              ['/login', 0.4],
            ]);
      if (at === '/login') return [...steps, ...workday(ctx)];
    }
    return steps;
  },
};

/** A new account: the sign-up event (it logs the visit in), the first steps, sometimes a plan. */
function signedUp(steps: Step[], ctx: Parameters<SiteModel['journey']>[0]): Step[] {
  const { random, visitor, released } = ctx;
  const userId = `u${visitor.seed.toString(36)}`;
  steps.push({ kind: 'event', name: 'signup', afterMs: 30_000, props: { plan: 'free' }, login: userId });
  // After the release, new accounts start at /app/onboarding, and more of them go on.
  if (released) steps.push(page('/app/onboarding', 60_000, random));
  if (!random.chance(released ? 0.85 : 0.7)) return steps;
  steps.push(page('/app', 30_000, random));
  steps.push(page('/app/projects/new', 50_000, random));
  // Those who came through the pricing page buy in the same visit more often.
  const viaPricing = steps.some((s) => s.kind === 'page' && s.path === '/pricing');
  if (random.chance(viaPricing ? 0.45 : 0.06)) buy(steps, ctx);
  return steps;
}

/** A logged-in user's visit: the app's pages, now and then an upgrade. */
function workday(ctx: Parameters<SiteModel['journey']>[0]): Step[] {
  const { random, visitor } = ctx;
  const steps: Step[] = [];
  if (visitor.userId === '') {
    // Logs in on /login with an account made before the period.
    steps.push(page('/login', 12_000, random));
    steps.push({
      kind: 'event',
      name: 'login',
      afterMs: 9000,
      login: `u${visitor.seed.toString(36)}`,
    });
  }
  steps.push(page('/app', 30_000, random));
  const pages = 1 + Math.floor(random.exp(4));
  for (let n = 0; n < pages && n < 25; n++) {
    const path = random.chance(0.35) ? `/app/projects/${(visitor.seed % 9) + 1}` : random.pick(APP_PAGES);
    steps.push(page(path, 60_000, random));
    if (path.startsWith('/app/reports') && random.chance(0.2))
      steps.push({
        kind: 'event',
        name: 'export',
        afterMs: 20_000,
        props: { format: random.pick(['csv', 'pdf']) },
      });
  }
  if (random.chance(0.025)) {
    steps.push(page('/pricing', 40_000, random));
    buy(steps, ctx);
  }
  return steps;
}

function buy(steps: Step[], { random }: Parameters<SiteModel['journey']>[0]): void {
  const [plan, monthly] = random.weighted<(typeof PLANS)[number]>([
    [PLANS[0], 4],
    [PLANS[1], 1],
  ]);
  const annual = random.chance(0.3);
  steps.push(page('/app/billing', 50_000, random));
  steps.push({
    kind: 'event',
    name: 'purchase',
    afterMs: 40_000,
    value: annual ? monthly * 10 : monthly,
    props: { plan, billing: annual ? 'annual' : 'monthly', currency: 'USD' },
  });
}
