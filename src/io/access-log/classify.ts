/**
 * Which access-log lines are pageviews (SESSIONS.md, "Access logs"). Checks run in this order and
 * the first that fails names the reason: bot (unless keepBots), method (not GET), status (not
 * 200–399), asset (path extension). With keepAll, method/status/asset lines are kept as `request`
 * events; bots still need keepBots. A format that does not log the method (empty) counts as GET.
 *
 *   | line                                   | default          | keepAll          |
 *   | GET /a.html 200, Firefox               | keep pageview    | keep pageview    |
 *   | POST /login 302, Firefox               | leave method     | keep request     |
 *   | GET /logo.png 404, Firefox             | leave status     | keep request     |
 *   | GET / 200, Googlebot                   | leave bot        | leave bot        |
 */
import type { LeftOutReason } from '../record.ts';
import { isAssetPath } from './asset.ts';
import { isBotAgent } from './bot.ts';
import type { AccessLogEntry } from './entry.ts';

export type RequestClass =
  | { kind: 'keep'; event: 'pageview' | 'request' }
  | { kind: 'leave'; reason: LeftOutReason };

export interface ClassifyOptions {
  keepAll: boolean;
  keepBots: boolean;
}

// Shared results: classifying allocates nothing.
const PAGEVIEW: RequestClass = Object.freeze({ kind: 'keep', event: 'pageview' });
const REQUEST: RequestClass = Object.freeze({ kind: 'keep', event: 'request' });
const LEAVE: Readonly<Record<LeftOutReason, RequestClass>> = Object.freeze({
  bot: Object.freeze({ kind: 'leave', reason: 'bot' }),
  method: Object.freeze({ kind: 'leave', reason: 'method' }),
  status: Object.freeze({ kind: 'leave', reason: 'status' }),
  asset: Object.freeze({ kind: 'leave', reason: 'asset' }),
});

export function classifyRequest(entry: AccessLogEntry, options: ClassifyOptions): RequestClass {
  if (!options.keepBots && isBotAgent(entry.userAgent)) return LEAVE.bot;
  const reason = notPageviewReason(entry);
  if (reason === undefined) return PAGEVIEW;
  return options.keepAll ? REQUEST : LEAVE[reason];
}

/** Why a (non-bot) line is not a pageview, or undefined when it is one. */
export function notPageviewReason(entry: AccessLogEntry): Exclude<LeftOutReason, 'bot'> | undefined {
  if (entry.method !== 'GET' && (entry.method !== '' || entry.path === '')) return 'method';
  if (entry.status < 200 || entry.status > 399) return 'status';
  if (isAssetPath(entry.path)) return 'asset';
  return undefined;
}
