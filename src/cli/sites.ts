/**
 * The `stint sites` commands that change a site: `set-retention`, `set-origins`, `rotate-key`,
 * `revoke-key` and `remove`. They write registry.json, which a running server re-reads within a
 * second; a removed site's store is closed by the server before its files move to
 * `DATA/removed/NAME-TIME/` (or are deleted, with --purge).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import { resolveConfig } from '../server/config.ts';
import { checkOrigin, openRegistry } from '../server/registry.ts';
import { openStore } from '../store/open.ts';

/** The flags that find the server's data directory, as `stint serve` finds it. */
export interface DataFlags {
  data?: string;
  config?: string;
}

export const dataOf = (flags: DataFlags): string =>
  resolveConfig({ data: flags.data, config: flags.config }, process.env).data;

export function registerSiteLifecycle(sites: Command): void {
  sites
    .command('set-retention <name> <duration>')
    .description(
      "Keep a site's sessions for this long (e.g. 400d), or for ever (off). A running server drops older sessions and their events at start and every 24 hours.",
    )
    .action((name: string, duration: string, flags: DataFlags) => {
      const retention = duration === 'off' ? undefined : duration;
      if (retention !== undefined) parseDuration(retention, 'the retention');
      openRegistry(dataOf(flags)).updateSite(name, () => ({ retention }));
      process.stdout.write(
        retention === undefined
          ? `site ${name}: events are kept for ever\n`
          : `site ${name}: sessions that ended more than ${retention} ago are dropped with their events, daily\n`,
      );
    });
  sites
    .command('set-origins <name>')
    .description('Replace the browser origins allowed to send with the public key.')
    .option('--origin <url>', 'an allowed origin (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--none', 'no origin: only the write key can send', false)
    .action((name: string, flags: DataFlags & { origin: string[]; none: boolean }) => {
      if (flags.origin.length === 0 && !flags.none)
        throw new StintError(
          'STINT_BAD_FLAG',
          'Give the origins: --origin https://shop.example (repeatable), or --none',
          'The list replaces the site’s origins',
        );
      const checked = (flags.none ? [] : flags.origin).map(checkOrigin);
      const site = openRegistry(dataOf(flags)).updateSite(name, () => ({ origins: checked }));
      process.stdout.write(`site ${name}: origins ${site.origins.join(', ') || '(none)'}\n`);
    });
  sites
    .command('rotate-key <name>')
    .description(
      'New keys for a site: both the public and the write key, or only the one named. The old keys keep working for the grace period.',
    )
    .option('--grace <duration>', 'how long the old keys keep working (0: not at all)', '7d')
    .option('--public', 'only the public key', false)
    .option('--write', 'only the write key', false)
    .action((name: string, flags: DataFlags & { grace: string; public: boolean; write: boolean }) => {
      const graceMs = flags.grace === '0' ? 0 : parseDuration(flags.grace, '--grace');
      const both = !flags.public && !flags.write;
      const { site, writeKey } = openRegistry(dataOf(flags)).rotateKeys(name, {
        publicKey: both || flags.public,
        writeKey: both || flags.write,
        graceMs,
      });
      const until =
        graceMs === 0
          ? 'stopped working now'
          : `keep working for ${formatDuration(graceMs)} (until ${new Date(Date.now() + graceMs).toISOString()})`;
      process.stdout.write(
        `site        ${site.name}\n` +
          (both || flags.public ? `public key  ${site.publicKey}   (put it in the site's pages)\n` : '') +
          (writeKey === undefined ? '' : `write key   ${writeKey}   (secret, shown once)\n`) +
          `the old ${both ? 'keys' : flags.public ? 'public key' : 'write key'} ${until}; stint sites revoke-key ends one sooner\n`,
      );
    });
  sites
    .command('revoke-key <name>')
    .description(
      "Stop a key working now. A key replaced by rotate-key stops at once; the site's current key is replaced by a new one (printed).",
    )
    .requiredOption('--key <key>', 'the pk_… or sk_… key')
    .action((name: string, flags: DataFlags & { key: string }) => {
      const { replacedBy } = openRegistry(dataOf(flags)).revokeKey(name, flags.key);
      process.stdout.write(
        replacedBy === undefined
          ? `revoked: the key no longer works for ${name}\n`
          : `revoked: the key no longer works for ${name}; its new ${replacedBy.startsWith('pk_') ? 'public' : 'write'} key: ${replacedBy}${replacedBy.startsWith('sk_') ? '   (secret, shown once)' : ''}\n`,
      );
    });
  sites
    .command('remove <name>')
    .description(
      "Take a site out of the registry, revoke its tokens and share links, and move its store and log to DATA/removed/NAME-TIME/ (deleted with --purge). A running server closes the site's store first.",
    )
    .option('--yes', 'confirm: the site stops collecting and its data leaves the server', false)
    .option('--purge', 'delete the data instead of keeping a backup', false)
    .action(async (name: string, flags: DataFlags & { yes: boolean; purge: boolean }) => {
      const data = dataOf(flags);
      const registry = openRegistry(data);
      if (registry.site(name) === undefined)
        throw new StintError(
          'STINT_NO_SITE',
          `No site named "${name}" in ${data}`,
          'List the sites with stint sites list',
        );
      if (!flags.yes)
        throw new StintError(
          'STINT_BAD_FLAG',
          `Not removing site "${name}" without --yes`,
          `stint sites remove ${name} --yes keeps its data in ${join(data, 'removed')}/; add --purge to delete it`,
        );
      registry.removeSite(name);
      const files = [`${name}.duckdb`, `${name}.duckdb.wal`, `${name}.log`].map((f) =>
        join(data, 'sites', f),
      );
      await waitUntilFree(files[0]!, name, data);
      let where = 'deleted';
      if (flags.purge) for (const f of files) rmSync(f, { recursive: true, force: true });
      else {
        const backup = join(data, 'removed', `${name}-${new Date().toISOString().replaceAll(':', '-')}`);
        mkdirSync(backup, { recursive: true, mode: 0o700 });
        for (const f of files)
          if (existsSync(f)) renameSync(f, join(backup, f.slice(f.lastIndexOf('/') + 1)));
        where = `kept in ${backup}`;
      }
      process.stdout.write(
        `removed site ${name}: its tokens and share links are revoked; its data is ${where}\n`,
      );
    });
}

/** Waits (up to 15 s) until no server holds the store: a running one closes a removed site within a second or two. */
async function waitUntilFree(path: string, name: string, data: string): Promise<void> {
  if (!existsSync(path)) return;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      (await openStore(path)).close();
      return;
    } catch (err) {
      if (!(err instanceof StintError && err.code === 'STINT_STORE_LOCKED')) throw err;
      if (Date.now() > deadline)
        throw new StintError(
          'STINT_STORE_LOCKED',
          `Site "${name}" is out of the registry, but a process still holds its store ${path}`,
          `Stop that process (a stint serve of another --data?), then move ${join(data, 'sites', name)}.* away yourself`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
