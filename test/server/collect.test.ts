/**
 * The collector's bounds on text (src/server/collect.ts): lengths count UTF-16 code units, as
 * the schema in the OpenAPI document says, at the edge of each bound.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CollectContext, createCollector } from '../../src/server/collect.ts';

const ctx: CollectContext = {
  site: 'shop',
  ip: '192.0.2.1',
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  receivedAtMs: Date.UTC(2026, 10, 23),
  trusted: false,
  visitorId: () => 'visitor',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('collector bounds', () => {
  it('takes a url of 4096 code units and refuses one of 4097, an emoji counting two', () => {
    const collect = createCollector({ maxFutureMs: 300_000, maxPastMs: 7 * 86_400_000 });
    const url = (tail: string) => `https://shop.example/${tail}`;
    const fill = (units: number, unit: string) => unit.repeat((units - url('').length) / unit.length);
    expect(collect({ url: url(fill(4096, 'a')) }, ctx).kind).toBe('event');
    expect(collect({ url: `${url(fill(4096, 'a'))}a` }, ctx)).toEqual({
      kind: 'rejected',
      code: 'invalid',
      message: 'url must NOT have more than 4096 characters',
    });
    // 4096 - 21 units of prefix leaves 4075: an odd count, so one 'a' and 2037 emoji.
    const emoji = `a${fill(4095, '🙂')}`;
    expect(url(emoji)).toHaveLength(4096);
    expect(collect({ url: url(emoji) }, ctx).kind).toBe('event');
    expect(collect({ url: url(`${emoji}🙂`) }, ctx).kind).toBe('rejected');
  });

  it('says nothing on the console when it is made', () => {
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    createCollector({ maxFutureMs: 1, maxPastMs: 1 });
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
