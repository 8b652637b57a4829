/**
 * Reading through a running `stint serve` instead of a store file (`--server URL --site NAME`):
 * the query string is built from the parameters the command parsed, the token goes in the
 * Authorization header (never in a URL, never printed), and the API's refusals become the CLI's
 * errors with their exit codes. Used by `stint report` and every analysis command.
 *
 *   const remote = remoteOf(command, process.env);           // undefined without --server
 *   const report = await readRemote(remote!, QUERIES.report, rawParams(command, QUERIES.report));
 */
import { type Command, Option } from 'commander';
import { type Analysis, paramsOf, type RawParams } from '../analysis/catalog.ts';
import type { ErrorBody } from '../api/errors.ts';
import { ERRORS, StintError, type StintErrorCode } from '../core/errors.ts';
import { typed } from './unused-flags.ts';

/** A server to read from: its address (a base URL ending in `/`), the site and the token. */
export interface Remote {
  readonly base: URL;
  /** The site asked for; a read-only token or share link reads its own when there is none. */
  readonly site: string | undefined;
  readonly token: string;
}

/** --server, --site and --token, after --db. */
export function addRemoteFlags(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'read through a running stint serve at this address instead of --db')
    .option('--site <name>', "with --server: the site (a site's read-only token reads its own)")
    .addOption(
      new Option(
        '--token <secret>',
        'with --server: a token or share link, best given in the environment',
      ).env('STINT_TOKEN'),
    );
}

/** The server the command reads from, or undefined for its --db store. */
export function remoteOf(command: Command): Remote | undefined {
  const flags = command.opts<{ server?: string; site?: string; token?: string }>();
  if (flags.server === undefined) {
    for (const name of ['site', 'token'] as const)
      if (typed(command, name))
        throw new StintError(
          'STINT_BAD_FLAG',
          `--${name} goes with --server`,
          `Read a running server: --server http://127.0.0.1:8080 --site NAME; a store file: --db FILE`,
        );
    return undefined;
  }
  if (typed(command, 'db'))
    throw new StintError(
      'STINT_BAD_FLAG',
      'Give --server or --db, not both',
      'A running stint serve: --server URL --site NAME; a store file: --db FILE',
    );
  const base = serverUrl(flags.server);
  const token = flags.token ?? '';
  if (token === '')
    throw new StintError(
      'STINT_BAD_FLAG',
      `No token for ${where(base)}`,
      'Set STINT_TOKEN (or give --token): a read-only token (stint tokens create --site NAME), an admin token or a share link',
    );
  return { base, site: flags.site, token };
}

function serverUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '')
    throw new StintError(
      'STINT_BAD_FLAG',
      `--server is not valid: "${text}" is no http(s) address`,
      "Give the server's address, such as --server http://127.0.0.1:8080",
    );
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The server as messages name it: its address without credentials. */
export function where(base: URL): string {
  return `${base.origin}${base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '')}`;
}

/**
 * The query string of an entry's route from the command's values: each parameter the command
 * has a value for (repeatable ones repeated, switches as `true` when on), and the site.
 */
export function queryOf(entry: Pick<Analysis, 'params'>, raw: RawParams, site?: string): URLSearchParams {
  const query = new URLSearchParams();
  if (site !== undefined) query.set('site', site);
  for (const p of paramsOf(entry)) {
    const v = raw[p.name];
    if (v === undefined || v === false) continue;
    if (v === true) query.set(p.name, 'true');
    else if (typeof v === 'string') query.set(p.name, v);
    else for (const one of v) query.append(p.name, one);
  }
  return query;
}

/** `GET /api/v1/NAME` for the entry with the command's values: the JSON the local store would give. */
export async function readRemote(remote: Remote, entry: Analysis, raw: RawParams): Promise<unknown> {
  return getJson(remote, `api/v1/${entry.name}`, queryOf(entry, raw, remote.site));
}

/** GETs a route of the server with the token; its JSON, or the CLI's error for its refusal. */
export async function getJson(remote: Remote, route: string, query: URLSearchParams): Promise<unknown> {
  const url = new URL(route, remote.base);
  url.search = query.toString();
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${remote.token}`, accept: 'application/json' },
      // A redirect is answered as it is (no stint answer): the token never follows it elsewhere.
      redirect: 'manual',
    });
  } catch (err) {
    throw unreachable(remote.base, err);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.ok && body !== undefined) return body;
  throw refusal(remote, res.status, body, res.headers.get('retry-after'));
}

function unreachable(base: URL, err: unknown): StintError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : err instanceof Error
          ? err.message
          : String(err);
  return new StintError(
    'STINT_UNREADABLE',
    `Cannot reach ${where(base)}: ${why} — is \`stint serve\` running?`,
    'Start it (stint serve --port 8080), or check the address given to --server',
  );
}

/** The CLI's error for a refusal of the server: its message and hint, with an exit code. */
export function refusal(
  remote: Pick<Remote, 'base' | 'site'>,
  status: number,
  body: unknown,
  retryAfter: string | null = null,
): StintError {
  const at = where(remote.base);
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    return new StintError(
      'STINT_UNREADABLE',
      `${at} answered ${status} without a stint answer`,
      'Check that --server is the address of stint serve (not a proxy page or another service)',
    );
  const { code, message } = error;
  // The analyses' own usage errors (the CLI's codes, exit 1) come back as they are.
  if (
    code in ERRORS &&
    ERRORS[code as StintErrorCode].exit !== null &&
    ERRORS[code as StintErrorCode].wire === code
  )
    return new StintError(code as StintErrorCode, message, error.hint);
  switch (code) {
    case 'unauthorized':
      return new StintError(
        'STINT_BAD_FLAG',
        `${at} refused the token: ${message}`,
        'Give a token of this server with --token or STINT_TOKEN: a read-only token (stint tokens create --site NAME, where the server keeps its data), an admin token or a share link',
      );
    case 'forbidden':
      return new StintError(
        'STINT_BAD_FLAG',
        `${at} refused the read: ${message}`,
        "A site's read-only token or share link reads that site only: give its --site, or an admin token",
      );
    case 'no_site':
      return new StintError(
        'STINT_BAD_FLAG',
        'Name the site: --site NAME',
        'An admin token reads every site',
      );
    case 'unknown_site':
      return new StintError(
        'STINT_NO_SITE',
        `${message} at ${at}`,
        `The server's sites: stint sites list (where it keeps its data), or GET ${at}/api/v1/sites`,
      );
    case 'query_timeout':
      return new StintError('STINT_QUERY_TIMEOUT', message, 'Ask for a shorter period, or retry later');
  }
  if (status < 500 && status !== 429) return new StintError('STINT_BAD_FLAG', message, error.hint);
  const later = retryAfter === null ? 'later' : `in ${retryAfter} s`;
  return new StintError(
    'STINT_UNREADABLE',
    `${at} cannot answer now (${status} ${code}): ${message}`,
    `Retry ${later}`,
  );
}
