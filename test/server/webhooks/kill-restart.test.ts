/**
 * The webhooks end to end, with real processes (issue 20, section 7): a receiver on 127.0.0.1
 * that checks signatures and deduplicates by delivery id, a real `stint serve` with a hook, and
 * pings made with `stint webhooks test` while the receiver hangs. The collector answers while
 * every delivery slot hangs; the server is killed (SIGKILL) mid-delivery and started again; the
 * receiver refuses (503) for a while, then takes them: each ping arrives at least once, every
 * arrival is signed right. A wrong secret fails verification (and the delivery is retried);
 * a 410 disables the hook.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/server/registry.ts';
import { openHooks } from '../../../src/server/webhooks/hooks.ts';
import { openOutbox } from '../../../src/server/webhooks/outbox.ts';
import { stintHere } from '../../helpers/cli-in-process.ts';
import { type ServeProcess, startServe } from '../../helpers/serve-process.ts';
import { type Receiver, startReceiver, until } from '../../helpers/webhook-receiver.ts';

const ADMIN = `st_test_${'a'.repeat(40)}`;
const ENV = {
  STINT_ADMIN_TOKEN: ADMIN,
  STINT_WEBHOOK_BACKOFF: '100ms',
  STINT_WEBHOOK_TIMEOUT: '60s',
  STINT_WEBHOOK_ATTEMPTS: '50',
  STINT_SESSIONIZE_DELAY: '100ms',
};
let server: ServeProcess | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  await receiver?.close();
});

describe('webhooks across a killed server', () => {
  it('deliver every ping at least once, signed, after a SIGKILL mid-delivery', {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-hooks-e2e-'));
    const { writeKey } = openRegistry(dir).addSite('shop', []);
    receiver = await startReceiver('');
    receiver.mode = 'hang';
    const add = await stintHere([
      'webhooks',
      'add',
      '--site',
      'shop',
      '--url',
      receiver.url,
      '--on',
      'anomalous-session',
      '--data',
      dir,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = /webhook\s+(wh_\S+)/.exec(add.stdout)![1]!;
    receiver.secret = /secret\s+(whsec_\S+)/.exec(add.stdout)![1]!;

    server = await startServe(dir, ENV);
    const pings: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await stintHere(['webhooks', 'test', id, '--wait', '0', '--data', dir]);
      expect(r.code, r.stderr).toBe(0);
      pings.push(/ping (dlv_\S+) queued/.exec(r.stdout)![1]!);
    }
    // Four deliveries at once (the loop's bound) hang in the receiver: the server is mid-delivery.
    await until(() => new Set(receiver!.all.map((r) => r.id)).size >= 4, 'four hanging deliveries');
    expect(receiver.unique.size).toBe(0);
    // The collector answers while they hang.
    const sent = await fetch(`${server.base}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
      body: JSON.stringify({ url: 'https://shop.example/', anonymous_id: 'a1' }),
    });
    expect(sent.status).toBe(200);
    // The delivery log answers too.
    const log = await fetch(`${server.base}/api/v1/webhooks/deliveries`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(log.status).toBe(200);

    await server.stop('SIGKILL');
    // Nothing was answered: every ping is still in the outbox, on disk.
    expect(
      openOutbox(dir)
        .entries()
        .map((e) => e.body.id)
        .sort(),
    ).toEqual([...pings].sort());

    // Started again while the receiver refuses: the outbox is resumed and retried with backoff.
    receiver.mode = { status: 503 };
    server = await startServe(dir, ENV);
    expect(server.output()).toMatch(/resuming the deliveries left in the outbox/);
    await until(
      () => receiver!.all.filter((r) => r.verified).length >= 12,
      'refused attempts after the restart',
    );
    receiver.mode = { status: 200 };
    await until(() => pings.every((p) => receiver!.unique.has(p)), 'every ping');
    expect(receiver.all.every((r) => r.verified)).toBe(true);
    expect([...receiver.unique.values()].every((r) => r.event === 'ping')).toBe(true);
    await until(() => openOutbox(dir).entries().length === 0, 'the outbox to empty');
    const delivered = openOutbox(dir).deliveries({ hook: id });
    expect(delivered.filter((d) => pings.includes(d.id)).map((d) => d.state)).toEqual(
      pings.map(() => 'delivered'),
    );
    // Some were sent more than once (the killed attempts, the refused ones): the receiver kept each once.
    expect(receiver.all.length).toBeGreaterThan(pings.length);

    // A wrong secret fails verification (the receiver says 400): retried, then taken once the secret is right.
    const right = receiver.secret;
    receiver.secret = 'whsec_wrong';
    const wrong = /ping (dlv_\S+) queued/.exec(
      (await stintHere(['webhooks', 'test', id, '--wait', '0', '--data', dir])).stdout,
    )![1]!;
    await until(
      () => receiver!.all.some((r) => r.id === wrong && r.why === 'signature mismatch'),
      'a refused signature',
    );
    expect(receiver.unique.has(wrong)).toBe(false);
    receiver.secret = right;
    await until(() => receiver!.unique.has(wrong), 'the retried ping');

    // 410 Gone disables the hook.
    receiver.mode = { status: 410 };
    await stintHere(['webhooks', 'test', id, '--wait', '0', '--data', dir]);
    await until(() => openHooks(dir).get(id).disabledAtMs !== undefined, 'the hook disabled');
    const list = await stintHere(['webhooks', 'list', '--data', dir]);
    expect(list.stdout).toContain(`${id}\tshop\tdisabled`);
  });
});
