/**
 * The delivery loop against a real receiver on 127.0.0.1: a delivery is in the outbox before
 * its first attempt; 2xx ends it, 410 disables the hook, other answers, timeouts and refused
 * connections are retried, and the last attempt gives up; every attempt is a line of the log.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backoffMs,
  type DeliveryLoop,
  outcomeOf,
  startDelivery,
} from '../../../src/server/webhooks/deliver.ts';
import { openHooks } from '../../../src/server/webhooks/hooks.ts';
import { enqueuePing } from '../../../src/server/webhooks/index.ts';
import { openOutbox } from '../../../src/server/webhooks/outbox.ts';
import { type Receiver, startReceiver, until } from '../../helpers/webhook-receiver.ts';

const log = pino({ level: 'silent' });
const open: { loops: DeliveryLoop[]; receivers: Receiver[] } = { loops: [], receivers: [] };
afterEach(async () => {
  for (const l of open.loops.splice(0)) await l.stop();
  for (const r of open.receivers.splice(0)) await r.close();
});

async function setUp(options: { attempts?: number; timeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stint-hooks-'));
  const hooks = openHooks(dir);
  const outbox = openOutbox(dir);
  const receiver = await startReceiver('');
  open.receivers.push(receiver);
  const hook = hooks.add({ site: 'shop', url: receiver.url, events: ['anomalous-day'] });
  receiver.secret = hook.secret;
  const start = () => {
    const loop = startDelivery({
      outbox,
      hooks,
      now: Date.now,
      log,
      random: () => 0.5,
      options: {
        attempts: options.attempts ?? 3,
        timeoutMs: options.timeoutMs ?? 5000,
        backoffMs: 20,
        concurrency: 2,
        tickMs: 20,
      },
    });
    open.loops.push(loop);
    return loop;
  };
  return { dir, hooks, outbox, receiver, hook, start };
}

describe('webhook deliveries', () => {
  it('double their wait after each attempt, ±50 %, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(10_000, n, 0.5))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(backoffMs(10_000, 2, 0)).toBe(10_000);
    expect(backoffMs(10_000, 2, 1)).toBe(30_000);
    expect(backoffMs(10_000, 30, 0.5)).toBe(3_600_000);
    expect([200, 204, 410, 500, 404, undefined].map((s) => outcomeOf(s, 1, 3))).toEqual([
      'delivered',
      'delivered',
      'disabled',
      'retry',
      'retry',
      'retry',
    ]);
    expect(outcomeOf(500, 3, 3)).toBe('failed');
  });

  it('are in the outbox before the first attempt, signed, and gone once a 2xx came', async () => {
    const t = await setUp();
    const body = enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    expect(t.outbox.entries().map((e) => e.body.id)).toEqual([body.id]);
    t.start();
    await until(() => t.receiver.unique.has(body.id), 'the ping');
    await until(() => t.outbox.entries().length === 0, 'the outbox to empty');
    const got = t.receiver.unique.get(body.id)!;
    expect(got.verified).toBe(true);
    expect(got.event).toBe('ping');
    expect(JSON.parse(got.body)).toMatchObject({
      id: body.id,
      type: 'ping',
      site: 'shop',
      data: { hook: t.hook.id },
    });
    const [d] = t.outbox.deliveries();
    expect(d).toMatchObject({
      id: body.id,
      state: 'delivered',
      attempts: [{ attempt: 1, status: 200, outcome: 'delivered' }],
    });
  });

  it('are retried after an error status and a refused connection, and given up after the last attempt', async () => {
    const t = await setUp({ attempts: 3 });
    t.receiver.mode = { status: 503 };
    const body = enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    t.start();
    await until(() => t.outbox.deliveries()[0]?.state === 'failed', 'the delivery to be given up');
    const d = t.outbox.deliveries()[0]!;
    expect(d.attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 503, 'retry'],
      [2, 503, 'retry'],
      [3, 503, 'failed'],
    ]);
    expect(t.outbox.entries()).toEqual([]);
    expect(t.receiver.unique.has(body.id)).toBe(false);

    // A refused connection (nothing listens) is retried too, and delivered once the receiver is back.
    await t.receiver.close();
    const again = enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    // (The first attempt may find the pooled connection closed: UND_ERR_SOCKET, retried as well.)
    const refused = () =>
      t.outbox
        .deliveries()
        .find((x) => x.id === again.id)
        ?.attempts.find((a) => a.error === 'ECONNREFUSED');
    await until(() => refused() !== undefined, 'a refused attempt');
    expect(refused()).toMatchObject({ outcome: 'retry' });
    expect(refused()!.status).toBeUndefined();
  });

  it('stop at a 410 Gone, which disables the hook; what it still had is dropped, logged', async () => {
    const t = await setUp();
    t.receiver.mode = { status: 410 };
    const first = enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    t.start();
    await until(() => t.hooks.get(t.hook.id).disabledAtMs !== undefined, 'the hook to be disabled');
    expect(t.hooks.get(t.hook.id).disabledReason).toMatch(/answered 410 Gone/);
    expect(t.outbox.deliveries().find((d) => d.id === first.id)?.state).toBe('disabled');
    const second = enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    await until(() => t.outbox.deliveries().find((d) => d.id === second.id)?.state === 'dropped', 'the drop');
    expect(t.receiver.all.filter((r) => r.id === second.id)).toEqual([]);
  });

  it('count a receiver that does not answer in time as failed, and retry it', async () => {
    const t = await setUp({ timeoutMs: 200, attempts: 2 });
    t.receiver.mode = 'hang';
    enqueuePing(t.hooks, t.outbox, t.hook.id, Date.now());
    t.start();
    await until(() => t.outbox.deliveries()[0]?.state === 'failed', 'the timeouts');
    expect(t.outbox.deliveries()[0]!.attempts.map((a) => [a.outcome, a.error])).toEqual([
      ['retry', 'no answer within 200 ms'],
      ['failed', 'no answer within 200 ms'],
    ]);
  });
});
