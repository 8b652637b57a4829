/**
 * `shop`: an outdoor clothing shop. Mobile-heavy, busiest in the evening, a little busier at
 * weekends; paid search and paid social campaigns and a Thursday newsletter. The funnel is
 * `/` or a collection → `/products/*` → `/cart` → `/checkout` → `event:purchase` (value: the
 * order total). On the release day the three checkout pages become one, and more carts are paid.
 */
import { page, type SiteModel, type Step, zipfRank } from '../site-model.ts';

const PRODUCTS = [
  ['trail-runner-gtx', 139],
  ['merino-crew-sock', 19],
  ['alpine-down-jacket', 289],
  ['summit-rain-shell', 199],
  ['base-layer-top', 59],
  ['canvas-daypack-22l', 89],
  ['fleece-quarter-zip', 79],
  ['hiking-shorts', 55],
  ['wool-beanie', 29],
  ['insulated-bottle', 35],
  ['approach-shoe', 149],
  ['softshell-pants', 119],
  ['packable-windbreaker', 99],
  ['thermal-gloves', 39],
  ['organic-tee', 32],
  ['trekking-poles', 109],
  ['camp-mug', 18],
  ['headlamp-400', 49],
  ['rolltop-dry-bag', 42],
  ['puffer-vest', 129],
  ['gaiters', 45],
  ['sun-hoodie', 65],
  ['ultralight-tent-2p', 449],
  ['sleeping-pad', 139],
] as const;

const COLLECTIONS = ['new-arrivals', 'jackets', 'footwear', 'packs', 'accessories', 'sale'];

const product = (rank: number): readonly [string, number] => PRODUCTS[rank % PRODUCTS.length]!;

export const SHOP: SiteModel = {
  name: 'shop',
  origin: 'https://shop.example',
  singlePage: false,
  about: 'an outdoor clothing shop: products, cart, checkout, purchases with order values',
  sessionsPerDay: 175,
  growth: 0.15,
  weekly: [1.12, 0.95, 0.97, 0.98, 1.0, 1.0, 1.1],
  hourly: [2, 1, 0.6, 0.4, 0.4, 0.7, 1.5, 3, 4, 4.5, 5, 5.2, 5.8, 5.5, 5, 5, 5.3, 6, 7, 8.5, 9.5, 9, 7, 4],
  devices: [
    ['mobile', 62],
    ['desktop', 32],
    ['tablet', 6],
  ],
  countries: [
    ['US', 28],
    ['GB', 14],
    ['DE', 14],
    ['FR', 7],
    ['NL', 5],
    ['CA', 6],
    ['AU', 5],
    ['SE', 3],
    ['CH', 3],
    ['ES', 3],
    ['IT', 3],
    ['IE', 2],
    ['PL', 2],
    ['JP', 2],
    ['MX', 1],
    ['BR', 1],
    ['ZA', 1],
  ],
  arrivals: [
    ['organic', 32],
    ['direct', 20],
    ['cpc', 18],
    ['paid_social', 10],
    ['social', 6],
    ['email', 5],
    ['referral', 4],
  ],
  campaigns: {
    newsletter: 'weekly_deals_w#',
    search: ['brand_search', 'shopping_jackets', 'generic_hiking_gear'],
    paidSocial: [
      ['facebook', 'winter_collection', 'm.facebook.com'],
      ['instagram', 'winter_collection', 'l.instagram.com'],
      ['instagram', 'retargeting_cart', 'l.instagram.com'],
    ],
    social: [
      ['https://l.instagram.com/', 10],
      ['https://www.pinterest.com/', 6],
      ['https://m.facebook.com/', 5],
      ['https://www.reddit.com/', 4],
      ['https://t.co/', 2],
    ],
    referral: [
      ['https://www.outdoorgearlab.com/', 5],
      ['https://www.trustpilot.com/', 3],
      ['https://blog.example/', 2],
      ['https://www.rei.com/', 1],
    ],
  },
  // Newsletter on Thursdays: its readers come that day and the next.
  extraVisits: ({ weekday }) => (weekday === 4 ? [['email', 45]] : weekday === 5 ? [['email', 15]] : []),
  returning: { share: 0.3, loyal: 0.35, lifetimeDays: 30 },
  resumePaths: ['/', '/collections/sale', '/products/trail-runner-gtx', '/cart'],

  journey({ random, visitor, arrival, released }) {
    const steps: Step[] = [];
    const cart: (readonly [string, number])[] = [];
    // Where the visit lands.
    let at =
      arrival === 'email'
        ? '/collections/sale'
        : arrival === 'paid_social'
          ? random.chance(0.5)
            ? '/collections/new-arrivals'
            : `/products/${product(zipfRank(8, random))[0]}`
          : arrival === 'organic' || arrival === 'social'
            ? random.chance(0.6)
              ? `/products/${product(zipfRank(PRODUCTS.length, random))[0]}`
              : '/'
            : arrival === 'cpc'
              ? random.chance(0.5)
                ? '/'
                : `/collections/${random.pick(COLLECTIONS)}`
              : '/';
    // Returning visitors are likelier to buy; paid social less (impulse clicks).
    const intent = (visitor.visits > 0 ? 1.5 : 1) * (arrival === 'paid_social' ? 0.7 : 1);
    for (let n = 0; n < 30; n++) {
      steps.push(page(at, at.startsWith('/products/') ? 40_000 : 20_000, random));
      if (at === '/' && random.chance(0.12))
        steps.push({ kind: 'event', name: 'click', afterMs: 6000, props: { element: 'hero-banner' } });
      if (at.startsWith('/products/')) {
        const item = PRODUCTS.find((p) => at.endsWith(`/${p[0]}`)) ?? PRODUCTS[0];
        if (random.chance(0.06))
          steps.push({ kind: 'event', name: 'click', afterMs: 9000, props: { element: 'size-guide' } });
        if (random.chance(0.13 * intent)) {
          cart.push(item);
          steps.push({
            kind: 'event',
            name: 'add_to_cart',
            afterMs: 15_000,
            props: { product: item[0], price: item[1] },
          });
        }
      }
      // Leave, or go on: a first page bounces more often than later ones.
      if (random.chance(n === 0 ? 0.4 : 0.22)) break;
      if (cart.length > 0 && random.chance(0.45)) {
        checkout(steps, cart, random, released, intent);
        break;
      }
      at = random.weighted<string>([
        [`/products/${product(zipfRank(PRODUCTS.length, random))[0]}`, 6],
        [`/collections/${random.pick(COLLECTIONS)}`, 2.5],
        [`/search?q=${random.pick(['jacket', 'socks', 'rain', 'boots', 'tent', 'gift'])}`, 1],
        ['/', 0.8],
        ['/pages/shipping-returns', 0.3],
      ]);
    }
    return steps;
  },
};

/**
 * Cart → checkout → purchase. Before the release, checkout takes three pages (details,
 * shipping, payment); after it, one page, and fewer buyers give up on the way.
 */
function checkout(
  steps: Step[],
  cart: readonly (readonly [string, number])[],
  random: Parameters<SiteModel['journey']>[0]['random'],
  released: boolean,
  intent: number,
): void {
  steps.push(page('/cart', 25_000, random));
  if (!random.chance(0.62)) return;
  steps.push(page('/checkout', 60_000, random));
  if (!released) {
    if (!random.chance(0.78)) return;
    steps.push(page('/checkout/shipping', 45_000, random));
    if (!random.chance(0.74)) return;
    steps.push(page('/checkout/payment', 50_000, random));
  }
  if (!random.chance(Math.min(0.95, (released ? 0.74 : 0.6) * intent))) return;
  const total = cart.reduce((sum, [, price]) => sum + price, 0);
  const shipping = total >= 100 ? 0 : 6.95;
  steps.push(page('/checkout/thank-you', 20_000, random));
  steps.push({
    kind: 'event',
    name: 'purchase',
    afterMs: 800,
    value: Math.round((total + shipping) * 100) / 100,
    props: { currency: 'EUR', items: cart.length },
  });
}
