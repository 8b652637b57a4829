/**
 * Who may do what: the credentials of senders (site key, write key, admin token) and readers
 * (tokens, share links), the sites they reach, and the request limits and event budgets that
 * each credential takes from. The routes call these; none reads a credential itself.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { namesAnotherSite } from './collect.ts';
import type { ServerConfig } from './config.ts';
import { type Budget, createEventBudgets, type Refusal } from './event-limits.ts';
import { HttpError } from './http-error.ts';
import type { SiteReads } from './read-limits.ts';
import { mayRead, type Principal, type Registry, type Site } from './registry.ts';
import { bearerOf, headerOf, queryText } from './request.ts';
import type { OpenSite, Sites } from './sites.ts';
import { visitorRefusal } from './visitor-scope.ts';

/** How a request holds its events: one object, `{"events": [...]}`, or NDJSON lines. */
export type IngestForm = 'single' | 'batch' | 'ndjson';

/** Who sends events: a site's write key, an admin token (any site), or a site's public key. */
export type IngestCredential =
  | { readonly kind: 'write'; readonly site: Site }
  | { readonly kind: 'admin'; readonly id: string }
  | { readonly kind: 'public'; readonly site: Site };

export interface Auth {
  /** The principal behind a read request: 401 without valid credentials. */
  principalOf(req: FastifyRequest, reply: FastifyReply): Principal;
  /**
   * The site a read is for, once the principal may read it: 403 otherwise, 404 if there is no
   * such site. Its store takes the site's read slot (read-limits.ts).
   */
  readSite(req: FastifyRequest, reply: FastifyReply): Promise<OpenSite & { who: Principal; name: string }>;
  /**
   * An event route's onRequest: the credential, the request limit, and a budget already spent.
   * Before any byte of the body is read, so a wrong key costs no parsing; `bulk` refuses a
   * public key (the NDJSON route).
   */
  checkSender(bulk: boolean): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /**
   * The site a write is for, whether the sender is a server (may set `ip`), and the event
   * budgets it takes from. `bodySite` is the body's `site`: beside `events` in a batch, the
   * event's own in a single event (which the collector checks as it checks each event's).
   */
  ingestSite(
    req: FastifyRequest,
    form: IngestForm,
    bodySite: unknown,
  ): { site: Site; trusted: boolean; budgets: Budget[] };
  /** Takes `events` from every budget, or answers 429 (event_rate_limited) and takes none. */
  takeEvents(reply: FastifyReply, budgets: readonly Budget[], events: number): void;
}

export interface AuthDeps {
  readonly config: ServerConfig;
  readonly now: () => number;
  readonly registry: Registry;
  readonly sites: Pick<Sites, 'open'>;
  readonly reads: SiteReads;
}

export function createAuth(deps: AuthDeps): Auth {
  const { config, now, registry } = deps;
  const keyBuckets = new Map<string, { count: number; resetAtMs: number }>();
  const limitKey = (key: string, reply: FastifyReply): void => {
    if (config.rateLimitKey <= 0) return;
    const nowMs = now();
    let b = keyBuckets.get(key);
    if (b === undefined || nowMs >= b.resetAtMs) {
      if (keyBuckets.size > 100_000) keyBuckets.clear();
      b = { count: 0, resetAtMs: nowMs + 60_000 };
      keyBuckets.set(key, b);
    }
    if (++b.count > config.rateLimitKey) {
      reply.header('retry-after', Math.ceil((b.resetAtMs - nowMs) / 1000));
      throw new HttpError(
        'rate_limited',
        `More than ${config.rateLimitKey} requests a minute with this key; retry later`,
      );
    }
  };

  /** Who sends events (see checkSender). */
  const ingestCredential = (req: FastifyRequest, reply: FastifyReply, bulk: boolean): IngestCredential => {
    const bearer = bearerOf(req);
    if (bearer?.startsWith('sk_')) {
      const site = registry.siteByWriteKey(bearer);
      if (site === undefined) throw new HttpError('unauthorized', 'Unknown write key');
      return { kind: 'write', site };
    }
    if (bearer !== undefined) {
      const who = registry.authenticate(bearer, now(), config.adminToken);
      if (who?.kind !== 'admin')
        throw new HttpError('unauthorized', 'Send events with a site key or write key, or an admin token');
      return { kind: 'admin', id: who.id };
    }
    const query = req.query as Record<string, unknown>;
    const key = typeof query.key === 'string' ? query.key : headerOf(req, 'x-stint-key');
    if (key === undefined)
      throw new HttpError(
        'unauthorized',
        "Send the site's key (?key=pk_…) or a write key (Authorization: Bearer sk_…)",
      );
    const site = registry.siteByPublicKey(key);
    if (site === undefined) throw new HttpError('unauthorized', 'Unknown site key');
    const origin = headerOf(req, 'origin');
    if (origin === undefined || !site.origins.includes(origin)) {
      throw new HttpError(
        'origin_not_allowed',
        `This site key is only taken from ${site.origins.join(', ') || 'no origin (add one with stint sites add … --origin)'}`,
      );
    }
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (bulk) throw new HttpError('write_key_required', bulkNeedsWriteKey(config.browserBatchSize));
    return { kind: 'public', site };
  };
  /** Each event request's credential, from its onRequest hook. */
  const ingestCredentials = new WeakMap<FastifyRequest, IngestCredential>();
  const eventBudgets = createEventBudgets(now);
  /** The event budgets a request of `credential` to `site` takes from (event-limits.ts). */
  const budgetsOf = (req: FastifyRequest, credential: IngestCredential, site: string): Budget[] => {
    const key = (bucket: string, from: string): Budget => ({
      bucket,
      perMinute: config.eventRateLimitKey,
      setting: 'event_rate_limit_key',
      from,
    });
    if (credential.kind === 'write') return [key(`sk:${site}`, 'with this write key')];
    if (credential.kind === 'admin')
      return [key(`admin:${credential.id}:${site}`, 'with this token for this site')];
    return [
      key(`pk:${site}`, "with this site's key, from all its visitors"),
      {
        bucket: `ip:${req.ip}`,
        perMinute: config.eventRateLimitIp,
        setting: 'event_rate_limit_ip',
        from: 'from this address',
      },
    ];
  };
  const refuseEvents = (reply: FastifyReply, refusal: Refusal | undefined): void => {
    if (refusal === undefined) return;
    reply.header('retry-after', refusal.retryAfterS);
    throw new HttpError('event_rate_limited', refusal.message);
  };

  const principalOf = (req: FastifyRequest, reply: FastifyReply): Principal => {
    const bearer = bearerOf(req) ?? queryText(req, 'access_token');
    const who = bearer === undefined ? undefined : registry.authenticate(bearer, now(), config.adminToken);
    if (who === undefined) {
      const why = bearer === undefined ? undefined : registry.refusal(bearer, now());
      throw new HttpError(
        'unauthorized',
        why === 'revoked'
          ? 'This token or share link was revoked; ask for a new one (stint tokens create, stint share create)'
          : why === 'expired'
            ? 'This share link has expired; ask for a new one (stint share create)'
            : 'Send a token: Authorization: Bearer st_… (stint tokens create), or a share link',
      );
    }
    limitKey(`${who.kind}:${who.id}`, reply);
    return who;
  };

  return {
    principalOf,
    async readSite(req, reply) {
      const who = principalOf(req, reply);
      const asked = queryText(req, 'site') ?? (who.kind === 'admin' ? undefined : who.site);
      if (asked === undefined) throw new HttpError('no_site', 'Name the site: ?site=NAME');
      if (!mayRead(who, asked)) throw new HttpError('forbidden', 'This token may not read that site');
      const site = registry.site(asked);
      if (site === undefined) throw new HttpError('unknown_site', `No site named "${asked}"`);
      const refusal = visitorRefusal(who, req.url.split('?')[0]!, req.query);
      if (refusal !== undefined) throw new HttpError('visitors_not_shared', refusal);
      const opened = await deps.sites.open(site);
      return {
        ...opened,
        store: deps.reads.limited(req, opened.store, site.name, who.id),
        who,
        name: site.name,
      };
    },
    checkSender: (bulk) => async (req, reply) => {
      const credential = ingestCredential(req, reply, bulk);
      ingestCredentials.set(req, credential);
      const named = queryText(req, 'site');
      const site = credential.kind === 'admin' ? named : credential.site.name;
      limitKey(
        credential.kind === 'write'
          ? `sk:${credential.site.name}`
          : credential.kind === 'admin'
            ? `admin:${credential.id}`
            : // The public key is in every page: one bucket per site and visitor address, not one per site.
              `pk:${credential.site.name}:${req.ip}`,
        reply,
      );
      if (site !== undefined) refuseEvents(reply, eventBudgets.spent(budgetsOf(req, credential, site)));
    },
    ingestSite(req, form, bodySite) {
      // Both event routes check their sender in onRequest (checkSender), before the body is read.
      const credential = ingestCredentials.get(req);
      if (credential === undefined) throw new Error('an event route without checkSender as its onRequest');
      const query = req.query as Record<string, unknown>;
      // A key implies its site: a sender naming another one is mistaken, and its events must not
      // land quietly in the key's site.
      const sameSite = (site: Site): void => {
        for (const named of [query.site, form === 'batch' ? bodySite : undefined]) {
          if (namesAnotherSite(named, site.name))
            throw new HttpError(
              'site_mismatch',
              `This key is site "${site.name}"'s, but the request names site ${JSON.stringify(named)}; use that site's key, or leave "site" out`,
            );
        }
      };
      if (credential.kind === 'admin') {
        const name = typeof query.site === 'string' ? query.site : bodySite;
        const site = typeof name === 'string' ? registry.site(name) : undefined;
        if (site === undefined && typeof name === 'string' && name !== '')
          throw new HttpError('unknown_site', `No site named ${JSON.stringify(name)}`);
        if (site === undefined)
          throw new HttpError(
            'no_site',
            form === 'ndjson'
              ? 'Name the site: ?site=NAME'
              : 'Name the site: ?site=NAME or "site" in the body',
          );
        return { site, trusted: true, budgets: budgetsOf(req, credential, site.name) };
      }
      const { site } = credential;
      sameSite(site);
      return { site, trusted: credential.kind === 'write', budgets: budgetsOf(req, credential, site.name) };
    },
    takeEvents(reply, budgets, events) {
      refuseEvents(reply, eventBudgets.take(budgets, events));
    },
  };
}

/** Rate limits per client address on every route (but /healthz); per key or token, see createAuth. */
export async function limitAddresses(
  app: FastifyInstance,
  config: Pick<ServerConfig, 'rateLimitIp'>,
): Promise<void> {
  if (config.rateLimitIp <= 0) return;
  await app.register(rateLimit, {
    max: config.rateLimitIp,
    timeWindow: 60_000,
    keyGenerator: (req) => `ip:${req.ip}`,
    allowList: (req) => req.url === '/healthz',
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(
        'rate_limited',
        `More than ${ctx.max} requests a minute from this address; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      ),
  });
}

const bulkNeedsWriteKey = (browserBatchSize: number): string =>
  `The bulk route /api/v1/events/ndjson takes a write key (Authorization: Bearer sk_…) or an admin token, not a site key; from a browser, send up to ${browserBatchSize} events a request to /api/v1/events`;
