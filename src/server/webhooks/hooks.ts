/**
 * The webhooks of a server, in `DATA/webhooks.json` (mode 0600) beside the registry and with its
 * discipline: each change written whole (write, then rename) under the registry's lock file, and
 * re-read by a running server when it changes. The signing secrets are kept in clear there: the
 * server needs them to sign (docs/insights/webhooks.md says why not hashed or encrypted).
 *
 *   const hooks = openHooks('stint-data');
 *   const hook = hooks.add({ site: 'shop', url: 'https://x.example/hook', events: ['anomalous-day'] });
 */
import { randomBytes } from 'node:crypto';
import { StintError } from '../../core/errors.ts';
import { openJsonFile } from '../registry/file.ts';
import { HOOK_EVENTS, type HookEvent, type Webhook } from './types.ts';

export const HOOKS_FILE = 'webhooks.json';

interface HooksFile {
  version: 1;
  hooks: Webhook[];
}

export interface Hooks {
  list(): readonly Webhook[];
  get(id: string): Webhook;
  add(hook: { site: string; url: string; events: readonly string[] }, nowMs?: number): Webhook;
  remove(id: string): Webhook;
  /** Stops sending to a hook (a receiver answered 410 Gone). */
  disable(id: string, reason: string, nowMs: number): void;
}

export function openHooks(dir: string): Hooks {
  const { read, update } = openJsonFile<HooksFile>(dir, HOOKS_FILE, {
    empty: () => ({ version: 1, hooks: [] }),
    valid: (f) => f.version === 1 && Array.isArray(f.hooks),
    what: 'version 1 with hooks',
    without: 'no webhooks',
  });
  const find = (file: HooksFile, id: string): number => {
    const i = file.hooks.findIndex((h) => h.id === id);
    if (i < 0)
      throw new StintError(
        'STINT_NO_WEBHOOK',
        `No webhook with id ${id}`,
        'List the webhooks and their ids with stint webhooks list',
      );
    return i;
  };
  return {
    list: () => read().hooks,
    get: (id) => {
      const file = read();
      return file.hooks[find(file, id)]!;
    },
    add({ site, url, events }, nowMs = Date.now()) {
      const hook: Webhook = {
        id: `wh_${randomBytes(9).toString('base64url')}`,
        site,
        url: checkUrl(url),
        events: checkEvents(events),
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        createdAtMs: nowMs,
      };
      update((file) => file.hooks.push(hook));
      return hook;
    },
    remove: (id) => update((file) => file.hooks.splice(find(file, id), 1)[0]!),
    disable: (id, reason, nowMs) =>
      update((file) => {
        const i = file.hooks.findIndex((h) => h.id === id);
        if (i >= 0 && file.hooks[i]!.disabledAtMs === undefined)
          file.hooks[i] = { ...file.hooks[i]!, disabledAtMs: nowMs, disabledReason: reason };
      }),
  };
}

/** A receiver's URL: http or https, with a host; nothing else is POSTed to. */
export function checkUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.host === '')
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot use "${text}" as a webhook URL`,
      'Give an http:// or https:// URL: --url https://hooks.example/stint',
    );
  return url.href;
}

export function checkEvents(events: readonly string[]): HookEvent[] {
  if (events.length === 0)
    throw new StintError(
      'STINT_BAD_FLAG',
      'Name what the hook is sent: --on anomalous-session (repeatable)',
      `One or more of: ${HOOK_EVENTS.join(', ')}`,
    );
  for (const e of events)
    if (!(HOOK_EVENTS as readonly string[]).includes(e))
      throw new StintError(
        'STINT_BAD_FLAG',
        `Cannot send a hook "${e}"`,
        `Give --on one of: ${HOOK_EVENTS.join(', ')}`,
      );
  return [...new Set(events)] as HookEvent[];
}

/** A hook as the API and the CLI's --json show it: never its secret. */
export function hookView(h: Webhook) {
  return {
    id: h.id,
    site: h.site,
    url: h.url,
    events: h.events,
    created_at: new Date(h.createdAtMs).toISOString(),
    ...(h.disabledAtMs === undefined
      ? { state: 'active' as const }
      : {
          state: 'disabled' as const,
          disabled_at: new Date(h.disabledAtMs).toISOString(),
          disabled_reason: h.disabledReason ?? '',
        }),
  };
}
