/**
 * stint's Node SDK (`import { createClient } from 'stint/client'`): send events from a server to
 * `stint serve`, batched, retried with backoff and jitter, each stored once. docs/sdk.md has the
 * options, the retry rules and how to shut down.
 *
 *   const stint = createClient({ url: 'https://stint.example', writeKey: process.env.STINT_WRITE_KEY! });
 *   stint.track({ event: 'signup', user_id: 'u-42', properties: { plan: 'pro' }, value: 49 });
 *   process.on('SIGTERM', async () => { await stint.close(); process.exit(0); });
 */
export { parseRetryAfter, retryDelayMs } from './backoff.ts';
export { type Client, type ClientStats, createClient, type TrackResult } from './client.ts';
export { ClientError, type ClientErrorCode, type RejectedEvent } from './errors.ts';
export type { Event, Properties, Scalar } from './event.ts';
export type { ClientOptions, Clock } from './options.ts';
