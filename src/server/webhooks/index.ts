/**
 * The server's webhooks: the hooks file, the durable outbox, the delivery loop and the detection
 * watcher, made with the server's routes, started once its data directory is known to be its own
 * (after its sites are open), and stopped with it. A delivery left in the outbox by a stop or a
 * crash is sent at the next start.
 *
 *   const webhooks = createWebhooks({ config, now, log, readSite: webhookReads(ctx) });
 *   webhooks.start();
 *   webhooks.ping('wh_…'); // a `ping` delivery, sent within a tick
 *   await webhooks.stop();
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { DELIVERY_DEFAULTS, type DeliveryLoop, startDelivery } from './deliver.ts';
import { type Hooks, openHooks } from './hooks.ts';
import { deliveryBody, type Outbox, openOutbox } from './outbox.ts';
import type { ReadSite } from './stores.ts';
import type { DeliveryBody } from './types.ts';
import { startWatcher, type Watcher } from './watcher.ts';

export interface Webhooks {
  readonly hooks: Hooks;
  readonly outbox: Outbox;
  /** The detection watcher, once started. */
  watcher(): Watcher | undefined;
  /** Starts the delivery loop and the watcher. */
  start(): void;
  /** Puts a `ping` delivery for the hook in the outbox; the delivery loop sends it within a tick. */
  ping(id: string): DeliveryBody;
  stop(): Promise<void>;
}

type WebhookConfig = Pick<
  ServerConfig,
  'data' | 'webhookIntervalMs' | 'webhookAttempts' | 'webhookTimeoutMs' | 'webhookBackoffMs'
>;

/** A ping's body for a hook: the test delivery of `stint webhooks test`, `POST /api/v1/webhooks/{id}/test`. */
export function enqueuePing(hooks: Hooks, outbox: Outbox, id: string, nowMs: number): DeliveryBody {
  const hook = hooks.get(id);
  const body = deliveryBody(
    'ping',
    hook.site,
    { hook: hook.id, url: hook.url, events: hook.events, message: 'stint webhooks test' },
    nowMs,
  );
  outbox.put({ hook: hook.id, body, attempts: 0, nextAtMs: nowMs });
  return body;
}

export function createWebhooks(deps: {
  readonly config: WebhookConfig;
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
  readonly readSite: ReadSite;
}): Webhooks {
  const { config, now, log } = deps;
  const hooks = openHooks(config.data);
  const outbox = openOutbox(config.data);
  let delivery: DeliveryLoop | undefined;
  let watcher: Watcher | undefined;
  const start = (): void => {
    const pending = outbox.entries().length;
    if (pending > 0) log.info({ pending }, 'webhooks: resuming the deliveries left in the outbox');
    delivery = startDelivery({
      outbox,
      hooks,
      now,
      log,
      options: {
        ...DELIVERY_DEFAULTS,
        attempts: config.webhookAttempts,
        timeoutMs: config.webhookTimeoutMs,
        backoffMs: config.webhookBackoffMs,
      },
    });
    watcher = startWatcher({
      dataDir: config.data,
      hooks,
      outbox,
      readSite: deps.readSite,
      now,
      log,
      intervalMs: config.webhookIntervalMs,
    });
  };
  return {
    hooks,
    outbox,
    watcher: () => watcher,
    start,
    ping(id) {
      const body = enqueuePing(hooks, outbox, id, now());
      delivery?.tick();
      return body;
    },
    async stop() {
      await watcher?.stop();
      await delivery?.stop();
    },
  };
}
