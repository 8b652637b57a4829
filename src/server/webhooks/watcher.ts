/**
 * The detection watcher: every `intervalMs`, for each site with enabled hooks, it runs the
 * detectors over the trailing WATCH_WINDOW_MS (sessions that started in it: enough of them for
 * the anomalies' baselines, and a session still growing is looked at again) and puts one
 * delivery per new finding per hook in the outbox. The ids of the findings sent to each hook are
 * kept in `DATA/webhooks/state.json` (replaced whole), so a finding is never sent to a hook twice, even
 * across restarts; a delivery's id is made from the hook and the finding, so a crash between the
 * outbox and the state re-makes the same delivery, not a second one.
 *
 *   const w = startWatcher({ dataDir, hooks, outbox, readSite, now, log, intervalMs: 60_000 });
 *   await w.runOnce();
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { StintError } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import { type Finding, runDetectors } from './detectors.ts';
import type { Hooks } from './hooks.ts';
import type { Outbox } from './outbox.ts';
import type { ReadSite } from './stores.ts';
import type { HookEvent } from './types.ts';

/** Finding ids kept per hook (the oldest go first): far more than a site finds in a retention period. */
const SENT_KEPT = 20_000;
/**
 * Each round looks at the sessions that started this far back: a week holds each weekday once,
 * and sessions enough to learn what is usual (durations per device, page transitions).
 */
export const WATCH_WINDOW_MS = 7 * 24 * 3_600_000;

interface WatchState {
  version: 1;
  /** Per hook: the finding ids sent, oldest first. */
  sent: Record<string, string[]>;
}

export interface WatcherDeps {
  readonly dataDir: string;
  readonly hooks: Hooks;
  readonly outbox: Outbox;
  /** Runs `work` on the site's store as a read of the server (stores.ts); undefined when the site is gone. */
  readonly readSite: ReadSite;
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
  readonly intervalMs: number;
  /** The detectors (tests pass literal findings). */
  readonly detect?: (
    store: Store,
    period: { fromMs: number; toMs: number },
    events: ReadonlySet<HookEvent>,
  ) => Promise<Finding[]>;
}

export interface Watcher {
  /** One round over every site with hooks; the number of deliveries it put in the outbox. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** The delivery id of a finding for a hook: the same finding for the same hook makes the same delivery. */
export const findingDeliveryId = (hook: string, finding: string): string =>
  `dlv_${createHash('sha256').update(`${hook}\n${finding}`).digest('base64url').slice(0, 24)}`;

export function startWatcher(deps: WatcherDeps): Watcher {
  const { hooks, outbox, now, log } = deps;
  const path = join(deps.dataDir, 'webhooks', 'state.json');
  const missingLogged = new Set<string>();
  const detect =
    deps.detect ??
    ((store, period, events) =>
      runDetectors(store, period, events, (analysis) => {
        if (missingLogged.has(analysis)) return;
        missingLogged.add(analysis);
        log.warn(
          { analysis },
          `webhooks: no "${analysis}" analysis in this stint: its hooks get nothing from it`,
        );
      }));
  const load = (): WatchState => {
    if (!existsSync(path)) return { version: 1, sent: {} };
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as WatchState;
    } catch (err) {
      throw new StintError(
        'STINT_UNREADABLE',
        `Cannot read ${path}: ${(err as Error).message}`,
        'Restore it from a backup, or move it away to start over (the findings of the last day may then be sent again)',
      );
    }
  };
  const save = (state: WatchState): void => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, path);
  };

  let running: Promise<number> | undefined;
  const round = async (): Promise<number> => {
    const state = load();
    const active = hooks.list().filter((h) => h.disabledAtMs === undefined);
    const sites = [...new Set(active.map((h) => h.site))];
    let made = 0;
    for (const site of sites) {
      const toMs = now();
      const fromMs = toMs - WATCH_WINDOW_MS;
      const siteHooks = active.filter((h) => h.site === site);
      try {
        const events = new Set(siteHooks.flatMap((h) => h.events));
        const findings = await deps.readSite(site, (store) => detect(store, { fromMs, toMs }, events));
        if (findings === undefined) continue;
        for (const hook of siteHooks) {
          const sent = new Set(state.sent[hook.id] ?? []);
          const fresh = findings.filter((f) => hook.events.includes(f.event) && !sent.has(f.id));
          for (const f of fresh) {
            const id = findingDeliveryId(hook.id, f.id);
            const body = {
              id,
              type: f.event,
              site,
              created_at: new Date(toMs).toISOString(),
              data: { finding: f.id, ...f.data },
            };
            outbox.put({ hook: hook.id, body, attempts: 0, nextAtMs: toMs });
            made++;
          }
          if (fresh.length > 0) {
            state.sent[hook.id] = [...(state.sent[hook.id] ?? []), ...fresh.map((f) => f.id)].slice(
              -SENT_KEPT,
            );
            save(state);
          }
        }
      } catch (err) {
        log.error(
          { err, site },
          'webhooks: the detectors failed for this site; tried again at the next interval',
        );
      }
    }
    // Hooks removed since: their sent ids go.
    for (const id of Object.keys(state.sent))
      if (!hooks.list().some((h) => h.id === id)) delete state.sent[id];
    return made;
  };
  const runOnce = (): Promise<number> => {
    running ??= round()
      .catch((err: unknown) => {
        log.error({ err }, 'webhooks: the watcher failed; it runs again at the next interval');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, deps.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
