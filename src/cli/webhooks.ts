/**
 * `stint webhooks add|list|remove|deliveries|test`: the hooks of a server's sites, kept in
 * `DATA/webhooks.json` (read by a running server within a second), and their delivery log.
 * `test` puts a `ping` in the outbox, which a running `stint serve` of the same --data sends.
 *
 *   stint webhooks add --site shop --url https://hooks.example/stint --on anomalous-session
 *   stint webhooks test wh_… && stint webhooks deliveries --hook wh_…
 */
import type { Command } from 'commander';
import { wholeNumber } from '../core/bounded.ts';
import { parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import { openRegistry } from '../server/registry.ts';
import { checkEvents, checkUrl, hookView, openHooks } from '../server/webhooks/hooks.ts';
import { enqueuePing } from '../server/webhooks/index.ts';
import { openOutbox } from '../server/webhooks/outbox.ts';
import { type DeliveryView, HOOK_EVENTS } from '../server/webhooks/types.ts';
import { type DataFlags, dataOf } from './sites.ts';

type Flags = DataFlags & { json?: boolean };
const out = (text: string) => process.stdout.write(text);

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .summary('signed HTTP callbacks for anomalies and diagnose findings')
    .description(
      'Add, list, remove and test webhooks: a site’s anomalous sessions and days and its diagnose findings, POSTed signed (HMAC-SHA256) to a URL by stint serve, retried with backoff and logged (docs/insights/webhooks.md).',
    );
  webhooks
    .command('add')
    .description('Add a hook; prints its id and its signing secret (shown once).')
    .requiredOption('--site <name>', 'the site whose findings are sent')
    .requiredOption('--url <url>', 'where to POST them (http:// or https://)')
    .option(
      '--on <event>',
      `what to send (repeatable): ${HOOK_EVENTS.join(', ')}`,
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--json', 'print the hook and its secret as JSON', false)
    .action((flags: Flags & { site: string; url: string; on: string[] }) => {
      const data = dataOf(flags);
      if (openRegistry(data).site(flags.site) === undefined)
        throw new StintError(
          'STINT_NO_SITE',
          `No site named "${flags.site}" in ${data}`,
          'List the sites with stint sites list (with --data DIR if the server uses another directory)',
        );
      checkUrl(flags.url);
      checkEvents(flags.on);
      const hook = openHooks(data).add({ site: flags.site, url: flags.url, events: flags.on });
      if (flags.json)
        return void out(`${JSON.stringify({ webhook: hookView(hook), secret: hook.secret }, null, 2)}\n`);
      out(
        `webhook  ${hook.id}\nsite     ${hook.site}\nurl      ${hook.url}\non       ${hook.events.join(', ')}\nsecret   ${hook.secret}   (shown once: the receiver checks stint-signature with it)\n\n` +
          `Try it: stint webhooks test ${hook.id}   (a running stint serve of the same --data sends it)\n`,
      );
    });
  webhooks
    .command('list')
    .description('List the hooks: id, site, state, events and URL (never the secret).')
    .option('--json', 'as JSON', false)
    .action((flags: Flags) => {
      const hooks = openHooks(dataOf(flags)).list().map(hookView);
      if (flags.json) return void out(`${JSON.stringify({ webhooks: hooks }, null, 2)}\n`);
      if (hooks.length === 0)
        return void out('no webhooks (add one with stint webhooks add --site NAME --url URL --on EVENT)\n');
      for (const h of hooks) out(`${h.id}\t${h.site}\t${h.state}\t${h.events.join(',')}\t${h.url}\n`);
    });
  webhooks
    .command('remove <id>')
    .description('Remove a hook by its id; what it still had to send is dropped (and logged so).')
    .action((id: string, flags: Flags) => {
      const hook = openHooks(dataOf(flags)).remove(id);
      out(`removed ${hook.id} (${hook.site} → ${hook.url})\n`);
    });
  webhooks
    .command('deliveries')
    .description(
      'The delivery log, newest first: each delivery, its state and every attempt (status, time, error).',
    )
    .option('--hook <id>', 'only this hook’s')
    .option('--limit <n>', 'deliveries at most', '20')
    .option('--json', 'as JSON', false)
    .action((flags: Flags & { hook?: string; limit: string }) => {
      const limit = wholeNumber(flags.limit, '--limit', { min: 1, max: 1000, example: 20 });
      const list = openOutbox(dataOf(flags)).deliveries({ hook: flags.hook, limit });
      if (flags.json) return void out(`${JSON.stringify({ deliveries: list }, null, 2)}\n`);
      if (list.length === 0) return void out('no deliveries yet\n');
      out(list.map(deliveryText).join(''));
    });
  webhooks
    .command('test <id>')
    .description(
      'Send the hook a `ping` delivery now (through the outbox of the running stint serve of the same --data), and wait for its first attempt.',
    )
    .option('--wait <duration>', 'how long to wait for the first attempt (0: do not wait)', '10s')
    .action(async (id: string, flags: Flags & { wait: string }) => {
      const data = dataOf(flags);
      const waitMs = flags.wait === '0' ? 0 : parseDuration(flags.wait, '--wait');
      const hooks = openHooks(data);
      const outbox = openOutbox(data);
      const hook = hooks.get(id);
      if (hook.disabledAtMs !== undefined)
        throw new StintError(
          'STINT_BAD_FLAG',
          `Webhook ${id} is disabled: ${hook.disabledReason ?? ''}`,
          `Add it again (stint webhooks add) once its receiver takes deliveries; remove this one with stint webhooks remove ${id}`,
        );
      const body = enqueuePing(hooks, outbox, id, Date.now());
      out(`ping ${body.id} queued for ${hook.id} (${hook.url})\n`);
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        const d = outbox.deliveries({ hook: id, limit: 1000 }).find((x) => x.id === body.id);
        const first = d?.attempts[0];
        if (d !== undefined && first !== undefined) return void out(deliveryText(d));
        await new Promise((r) => setTimeout(r, 100));
      }
      if (waitMs > 0)
        out(
          `no attempt within ${flags.wait}: is stint serve running with this --data (${data})? The ping stays in the outbox until it is sent.\n`,
        );
    });
  for (const cmd of webhooks.commands)
    cmd
      .option('--data <dir>', 'the server data directory (default: stint-data)')
      .option('--config <file>', 'settings file');
}

function deliveryText(d: DeliveryView): string {
  const head = `${d.id}  ${d.type}  ${d.site}  hook ${d.hook}  ${d.state}${d.nextAt === undefined ? '' : ` (next attempt ${d.nextAt})`}\n`;
  const lines = d.attempts.map(
    (a) =>
      `  #${a.attempt}  ${a.at}  ${a.status === undefined ? 'no answer' : `HTTP ${a.status}`}  ${a.ms} ms  ${a.outcome}${a.error === undefined ? '' : `  ${a.error}`}\n`,
  );
  return head + (lines.length === 0 ? '  (not attempted yet)\n' : lines.join(''));
}
