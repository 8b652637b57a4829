/**
 * The store a reading command (`stint report`, the analyses) works on. A store held by a running
 * `stint serve` (`DATA/sites/NAME.duckdb`) is refused with the command that reads it through the
 * server instead: `stint report --server URL --site NAME`.
 *
 *   const store = await openForReading(flags.db, 'report');
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StintError } from '../core/errors.ts';
import { resolveConfig } from '../server/config.ts';
import { REGISTRY_FILE } from '../server/registry/file.ts';
import type { Store } from '../store/store.ts';
import { openExistingStore } from './open-existing-store.ts';

export async function openForReading(path: string, command: string): Promise<Store> {
  try {
    return await openExistingStore(path);
  } catch (err) {
    if (!(err instanceof StintError) || err.code !== 'STINT_STORE_LOCKED') throw err;
    const served = servedSite(path, /\(PID (\d+)\)/.exec(err.message)?.[1]);
    const how = `stint ${command} --server ${served?.url ?? 'URL'} --site ${served?.name ?? 'NAME'}`;
    throw new StintError(
      'STINT_STORE_LOCKED',
      err.message,
      served === undefined
        ? `${err.hint ?? 'Stop the other process using it'}; if stint serve holds it, read through the server: ${how} (a token in STINT_TOKEN or --token)`
        : `stint serve holds site "${served.name}": read through it instead: ${how} (a token in STINT_TOKEN or --token)`,
    );
  }
}

/**
 * The site and the likely address of the server, when the store is a site's of a data directory:
 * the holder's own --host and --port when its command line shows them (Linux), else the settings
 * as `stint serve` would read them here.
 */
function servedSite(path: string, pid: string | undefined): { name: string; url: string } | undefined {
  const sites = dirname(path);
  const data = dirname(sites);
  if (basename(sites) !== 'sites' || !path.endsWith('.duckdb') || !existsSync(join(data, REGISTRY_FILE)))
    return undefined;
  const name = basename(path, '.duckdb');
  try {
    const given = pid === undefined ? {} : flagsOf(pid);
    const { host, port } = resolveConfig({ data, ...given }, process.env);
    const reachable =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    // A server started on --port 0 took a port of its own choosing: only its log says which.
    return { name, url: port === 0 ? 'URL' : `http://${reachable}:${port}` };
  } catch {
    return { name, url: 'http://127.0.0.1:8080' };
  }
}

/** `--host` and `--port` from a process's command line, where /proc shows it. */
function flagsOf(pid: string): { host?: string; port?: string } {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return {};
  }
  if (!args.includes('serve')) return {};
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const host = value('--host');
  const port = value('--port');
  return { ...(host === undefined ? {} : { host }), ...(port === undefined ? {} : { port }) };
}
