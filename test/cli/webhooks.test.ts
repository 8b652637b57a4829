/**
 * `stint webhooks` as a user runs it on a server's data directory: add prints the id and the
 * secret once, list never shows it, a bad --on or an unknown site is refused with a hint, test
 * puts a ping in the outbox (sent by a running server), deliveries shows the log, remove drops it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/server/registry.ts';
import { openOutbox } from '../../src/server/webhooks/outbox.ts';
import { stintHere } from '../helpers/cli-in-process.ts';

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stint-cli-hooks-'));
  openRegistry(dir).addSite('shop', []);
  return dir;
}

describe('stint webhooks', () => {
  it('add, list, test (queued), deliveries and remove', async () => {
    const dir = dataDir();
    const add = await stintHere([
      'webhooks',
      'add',
      '--site',
      'shop',
      '--url',
      'https://hooks.example/stint',
      '--on',
      'anomalous-session',
      '--on',
      'diagnose-finding',
      '--data',
      dir,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = /webhook\s+(wh_\S+)/.exec(add.stdout)![1]!;
    const secret = /secret\s+(whsec_\S+)\s+\(shown once/.exec(add.stdout)![1]!;
    expect(add.stdout).toMatch(/on\s+anomalous-session, diagnose-finding/);

    const list = await stintHere(['webhooks', 'list', '--data', dir]);
    expect(list.stdout).toBe(
      `${id}\tshop\tactive\tanomalous-session,diagnose-finding\thttps://hooks.example/stint\n`,
    );
    expect(list.stdout).not.toContain(secret);

    const test = await stintHere(['webhooks', 'test', id, '--wait', '0', '--data', dir]);
    expect(test.code, test.stderr).toBe(0);
    const dlv = /ping (dlv_\S+) queued/.exec(test.stdout)![1]!;
    expect(
      openOutbox(dir)
        .entries()
        .map((e) => [e.body.id, e.body.type, e.hook]),
    ).toEqual([[dlv, 'ping', id]]);

    const log = await stintHere(['webhooks', 'deliveries', '--hook', id, '--data', dir]);
    expect(log.stdout).toContain(`${dlv}  ping  shop  hook ${id}  pending`);
    const json = JSON.parse((await stintHere(['webhooks', 'deliveries', '--json', '--data', dir])).stdout);
    expect(json.deliveries[0]).toMatchObject({ id: dlv, state: 'pending', attempts: [] });

    const removed = await stintHere(['webhooks', 'remove', id, '--data', dir]);
    expect(removed.stdout).toBe(`removed ${id} (shop → https://hooks.example/stint)\n`);
    expect((await stintHere(['webhooks', 'list', '--data', dir])).stdout).toMatch(/^no webhooks/);
  });

  it('refuses a bad --on, a bad URL, an unknown site and an unknown id, each with a hint', async () => {
    const dir = dataDir();
    const base = ['webhooks', 'add', '--site', 'shop', '--url', 'https://h.example/', '--data', dir];
    const noOn = await stintHere(base);
    expect(noOn.code).toBe(1);
    expect(noOn.stderr).toMatch(/--on anomalous-session/);
    const badOn = await stintHere([...base, '--on', 'anomalous-week']);
    expect(badOn.stderr).toMatch(
      /Cannot send a hook "anomalous-week"[\s\S]*anomalous-session, anomalous-day, diagnose-finding/,
    );
    const badUrl = await stintHere([
      'webhooks',
      'add',
      '--site',
      'shop',
      '--url',
      'hooks.example',
      '--on',
      'anomalous-day',
      '--data',
      dir,
    ]);
    expect(badUrl.stderr).toMatch(/Cannot use "hooks.example" as a webhook URL/);
    const noSite = await stintHere([
      'webhooks',
      'add',
      '--site',
      'blog',
      '--url',
      'https://h.example/',
      '--on',
      'anomalous-day',
      '--data',
      dir,
    ]);
    expect(noSite.stderr).toMatch(/No site named "blog"/);
    const noHook = await stintHere(['webhooks', 'remove', 'wh_nosuch', '--data', dir]);
    expect(noHook.code).toBe(1);
    expect(noHook.stderr).toMatch(/No webhook with id wh_nosuch[\s\S]*stint webhooks list/);
  });
});
