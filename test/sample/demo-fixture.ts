/**
 * The demo as the sample tests see it: generated once per test file at a fixed end (never
 * today's date), and its events as the engine reads them (the collector's flattening of
 * `properties`; `ip` left out, as the collector never stores it).
 */
import type { EventInput } from '../../src/core/event.ts';
import { type Demo, type DemoSession, generateDemo } from '../../src/sample/demo.ts';
import type { DemoEvent } from '../../src/sample/session-events.ts';

/** Saturday 21 November 2026, 15:30 UTC. */
export const END_MS = Date.UTC(2026, 10, 21, 15, 30);
export const SEED = 7;

let cached: Demo | undefined;

/** The demo at 40 % of its full size: about 20,000 visits, enough for every shape to show. */
export function demo(): Demo {
  cached ??= generateDemo({ seed: SEED, endMs: END_MS, scale: 0.4 });
  return cached;
}

export function sessionsOf(site: string, kind: DemoSession['kind'] = 'visitor'): DemoSession[] {
  return demo().sessions.filter((s) => s.site === site && s.kind === kind);
}

/** An event as the collector hands it to the engine. */
export function engineEvent(e: DemoEvent): EventInput {
  const { ip: _ip, properties, ...fields } = e;
  return { ...properties, ...fields } as EventInput;
}

export const pathOfUrl = (url: string): string => new URL(url).pathname;
