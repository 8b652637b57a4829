/**
 * `stint serve` and the commands that manage what it serves: `stint sites add|list`,
 * `stint tokens create|list|revoke`, `stint share create|list|revoke`. Settings come from
 * flags, the environment and stint.config.json (server/config.ts; docs/operations.md).
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { wholeNumber } from '../core/bounded.ts';
import { parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import { DEMO_GOALS } from '../sample/demo.ts';
import { resolveConfig } from '../server/config.ts';
import { openRegistry } from '../server/registry.ts';
import { startDemo } from './serve-demo.ts';
import { type DataFlags, dataOf, registerSiteLifecycle } from './sites.ts';
import { refuseUnused } from './unused-flags.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('run the collector, the query API and live sessions')
    .description(
      'Run the HTTP server: the event collector (POST /api/v1/events), the query API (/api/v1/report and one route ' +
        'per analysis), live sessions (/api/v1/live), /healthz and /metrics. Each site is a store of its own under ' +
        '--data. Every setting can also come from the environment or stint.config.json (docs/operations.md).',
    )
    .option(
      '--data <dir>',
      'directory of the registry, the salts and one store per site (default: stint-data)',
    )
    .option(
      '--store <address>',
      'a ClickHouse store for every site (clickhouse://HOST:PORT/DB): a stateless collector; run `stint worker` per shard',
    )
    .option('--port <n>', 'port to listen on (default: 8080)')
    .option('--host <address>', 'address to listen on (default: 127.0.0.1)')
    .option('--lateness <duration>', 'allowed lateness before an event counts as very late (default: 5m)')
    .option('--config <file>', 'settings file (default: ./stint.config.json when present)')
    .option(
      '--webhook-interval <duration>',
      'how often the webhooks watcher runs the detectors (default: 60s)',
    )
    .option(
      '--demo',
      'serve three demo sites (shop, blog, app) with 90 days of generated traffic and live visits (data in ./stint-demo; docs/demo.md)',
      false,
    )
    .option('--demo-scale <percent>', "with --demo: the demo's size in percent of the full one (default 100)")
    .addHelpText(
      'after',
      '\nExample:\n  stint sites add shop --origin https://shop.example\n  STINT_ADMIN_TOKEN=$(openssl rand -hex 32) stint serve --port 8080',
    )
    .action(async ({ demo, demoScale, ...flags }: ServeFlags, command: Command) => {
      refuseUnused(command, [{ option: 'demoScale', when: !demo, why: 'without --demo' }]);
      const scalePercent =
        demoScale === undefined
          ? 100
          : wholeNumber(demoScale, '--demo-scale', { min: 1, max: 400, example: 10 });
      const settings = flags as Record<string, string | undefined>;
      const resolved = resolveConfig(
        { ...settings, data: settings.data ?? (demo ? 'stint-demo' : undefined) },
        process.env,
      );
      // The demo prints an admin token for this run (never stored) unless one is set, and counts
      // its sites' goals as conversions unless goals are set (a new store keeps them).
      const config = demo
        ? {
            ...resolved,
            adminToken: resolved.adminToken ?? `st_demo_${randomBytes(18).toString('base64url')}`,
            goals: resolved.goals ?? DEMO_GOALS,
          }
        : resolved;
      // The server (Fastify and its plugins) is loaded only to serve: every other command of the
      // CLI starts a quarter of a second sooner without it.
      const { createServer } = await import('../server/app.ts');
      const server = await createServer(config);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.app.log.info({ signal }, 'stopping: no new requests; committing what is queued');
        await server.close();
        server.app.log.info('stopped');
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
      let address: string;
      try {
        address = await server.app.listen({ port: config.port, host: config.host });
      } catch (err) {
        await server.close();
        const why = LISTEN_ERRORS[(err as NodeJS.ErrnoException).code ?? ''];
        if (why === undefined) throw err;
        throw new StintError(
          'STINT_BAD_CONFIG',
          `Cannot listen on ${config.host}:${config.port}: ${why.reason}`,
          why.hint,
        );
      }
      if (demo)
        await startDemo(
          server,
          address,
          { secret: config.adminToken!, generated: resolved.adminToken === undefined },
          { scalePercent, write: (text) => process.stdout.write(text) },
        );
      else if (server.registry.sites().length === 0) {
        server.app.log.warn(
          'no sites yet: add one with stint sites add NAME --origin https://… (same --data)',
        );
      }
      // Runs until a signal.
      await new Promise(() => {});
    });
  registerSites(program);
  registerTokens(program);
  registerShares(program);
}

interface ServeFlags {
  demo: boolean;
  demoScale?: string;
  [flag: string]: string | boolean | undefined;
}

/** Why listening failed, by error code, and the setting to change. */
const LISTEN_ERRORS: Record<string, { reason: string; hint: string } | undefined> = {
  EADDRINUSE: {
    reason: 'the port is in use',
    hint: 'Pick another --port (or STINT_PORT, "port"), or stop what uses this one',
  },
  EACCES: {
    reason: 'not allowed',
    hint: 'Pick a --port (or STINT_PORT, "port") from 1024 up, or run with the right to bind this one',
  },
  EADDRNOTAVAIL: {
    reason: 'no such address here',
    hint: 'Give --host (or STINT_HOST, "host") an address of this machine, such as 127.0.0.1 or 0.0.0.0',
  },
  ENOTFOUND: {
    reason: 'no such host name',
    hint: 'Give --host (or STINT_HOST, "host") an address such as 127.0.0.1 or 0.0.0.0, or a name that resolves here',
  },
  EAI_AGAIN: {
    reason: 'the host name could not be resolved now (DNS did not answer)',
    hint: 'Give --host (or STINT_HOST, "host") an IP address such as 127.0.0.1 or 0.0.0.0, or retry when DNS works',
  },
};

function registerSites(program: Command): void {
  const sites = program
    .command('sites')
    .summary('add, list, change and remove the sites the server collects for')
    .description(
      'Add, list, change and remove the sites stint serve collects events for (in the registry under --data).',
    );
  sites
    .command('add <name>')
    .description(
      "Add a site; prints its public key (for the site's pages) and its secret write key (shown once).",
    )
    .option(
      '--origin <url>',
      'a browser origin allowed to send with the public key (repeatable)',
      collect,
      [],
    )
    .action((name: string, flags: DataFlags & { origin: string[] }) => {
      const registry = openRegistry(dataOf(flags));
      const { site, writeKey } = registry.addSite(name, flags.origin);
      process.stdout.write(
        `site        ${site.name}\norigins     ${site.origins.join(', ') || '(none: only the write key can send)'}\npublic key  ${site.publicKey}\nwrite key   ${writeKey}   (secret, shown once: for server-side senders)\n\n` +
          `In the site's pages:  fetch('https://YOUR-STINT/api/v1/events?key=${site.publicKey}', { method: 'POST', body: JSON.stringify({ url: location.href, referrer: document.referrer }) })\n`,
      );
    });
  sites
    .command('list')
    .description('List the sites: name, public key, allowed origins and retention, one per line.')
    .action((flags: DataFlags) => {
      for (const s of openRegistry(dataOf(flags)).sites())
        process.stdout.write(`${s.name}\t${s.publicKey}\t${s.origins.join(',')}\t${s.retention ?? 'kept'}\n`);
    });
  registerSiteLifecycle(sites);
  withDataOptions(sites);
}

function registerTokens(program: Command): void {
  const tokens = program
    .command('tokens')
    .summary('API tokens for reading (admin or read-only per site)')
    .description('Create, list and revoke API tokens: admin tokens, or read-only tokens of one site.');
  tokens
    .command('create')
    .description('Make a token; it is printed once and stored only as a hash.')
    .option('--site <name>', 'the site a read-only token may read')
    .option('--admin', 'an admin token: reads every site, sends for any site, sees /metrics', false)
    .option('--label <text>', 'a note to recognise the token by', '')
    .action((flags: DataFlags & { site?: string; admin: boolean; label: string }, command: Command) => {
      refuseUnused(command, [
        { option: 'site', when: flags.admin, why: 'with --admin (an admin token reads every site)' },
      ]);
      const registry = openRegistry(dataOf(flags));
      const { token, secret } = registry.createToken(flags.admin ? 'admin' : 'read', flags.site, flags.label);
      process.stdout.write(`${secret}\n`);
      process.stderr.write(
        `token ${token.id} (${token.role}${token.site === undefined ? '' : ` of ${token.site}`}); shown once, keep it safe\n`,
      );
    });
  tokens
    .command('list')
    .description('List the tokens: id, role, site, state and label (never the secret).')
    .action((flags: DataFlags) => {
      for (const t of openRegistry(dataOf(flags)).tokens()) {
        const state =
          t.revokedAtMs === undefined ? 'active' : `revoked ${new Date(t.revokedAtMs).toISOString()}`;
        process.stdout.write(`${t.id}\t${t.role}\t${t.site ?? '*'}\t${state}\t${t.label}\n`);
      }
    });
  tokens
    .command('revoke <id>')
    .description('Revoke a token by its id (from tokens list); it stops working at once.')
    .action((id: string, flags: DataFlags) => {
      openRegistry(dataOf(flags)).revokeToken(id);
      process.stdout.write(`revoked ${id}\n`);
    });
  withDataOptions(tokens);
}

function registerShares(program: Command): void {
  const share = program
    .command('share')
    .summary('read-only share links for one site')
    .description('Create, list and revoke read-only share links of one site.');
  share
    .command('create')
    .description('Make a share link of one site; its secret is printed once.')
    .requiredOption('--site <name>', 'the site to share')
    .option('--expires <duration>', 'how long the link works (e.g. 7d); default: until revoked')
    .option(
      '--visitors',
      'also show per-visitor data: sessions, journeys, identities, event properties, live visitor ids',
      false,
    )
    .action((flags: DataFlags & { site: string; expires?: string; visitors: boolean }) => {
      const expiresAtMs =
        flags.expires === undefined ? undefined : Date.now() + parseDuration(flags.expires, '--expires');
      const { share: link, secret } = openRegistry(dataOf(flags)).createShare(
        flags.site,
        expiresAtMs,
        Date.now(),
        { visitors: flags.visitors },
      );
      process.stdout.write(`${secret}\n`);
      const sees = link.visitors
        ? 'it sees per-visitor data (sessions, journeys, user ids, event properties, live visitor ids)'
        : 'it sees aggregates only (add --visitors for sessions, journeys and visitor ids)';
      process.stderr.write(
        `share link ${link.id} for ${link.site}${expiresAtMs === undefined ? '' : `, until ${new Date(expiresAtMs).toISOString()}`}: open it in the dashboard at /share/${secret} (e.g. http://127.0.0.1:8080/share/${secret}), or use it as a bearer token or ?access_token=; ${sees}\n`,
      );
    });
  share
    .command('list')
    .description('List the share links: id, site, state, expiry and scope (aggregates or visitors).')
    .action((flags: DataFlags) => {
      for (const s of openRegistry(dataOf(flags)).shares()) {
        const state =
          s.revokedAtMs !== undefined
            ? 'revoked'
            : s.expiresAtMs !== undefined && s.expiresAtMs <= Date.now()
              ? 'expired'
              : 'active';
        process.stdout.write(
          `${s.id}\t${s.site}\t${state}\t${s.expiresAtMs === undefined ? 'no expiry' : new Date(s.expiresAtMs).toISOString()}\t${s.visitors === true ? 'visitors' : 'aggregates'}\n`,
        );
      }
    });
  share
    .command('revoke <id>')
    .description('Revoke a share link by its id (from share list).')
    .action((id: string, flags: DataFlags) => {
      openRegistry(dataOf(flags)).revokeShare(id);
      process.stdout.write(`revoked ${id}\n`);
    });
  withDataOptions(share);
}

/** Every subcommand of a group finds the server's data as `stint serve` does: --data, --config. */
function withDataOptions(group: Command): void {
  for (const cmd of group.commands) {
    cmd
      .option('--data <dir>', 'the server data directory (default: stint-data)')
      .option('--config <file>', 'settings file');
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
