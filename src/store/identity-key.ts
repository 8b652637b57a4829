/**
 * Access-log visitors in a store: `stint import` keeps a keyed hash of a log line's identity
 * (`ip|user agent`), not the IP. The key is random, made at the store's first import and kept in
 * `stint_meta`, so one visitor hashes the same in every import into that store (sessions and
 * imports in parts stay exact) while the store alone cannot be searched for an address.
 *
 *   const hash = await identityHasher(store, 'hashed');  // refuses a store made with --keep-ips
 *   hash('1.2.3.4|Mozilla/5.0')                          // 'h_5f0c…' (24 hex digits)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { StintError } from '../core/errors.ts';
import { detectFileFormat, INPUT_FORMATS as FILE_FORMATS } from '../io/detect.ts';
import type { InputFormatName } from '../io/open-input.ts';
import type { Store } from './store.ts';

/** How a store keeps access-log identities: hashed (the default) or as they are (--keep-ips). */
export type IpMode = 'hashed' | 'kept';

const KEY = 'identity_key';
const MODE = 'access_log_ips';
/** 96 bits of HMAC-SHA256: no collision in practice, short enough to read in a report. */
const HASH_HEX_DIGITS = 24;

export function hashIdentity(key: Buffer, identity: string): string {
  return `h_${createHmac('sha256', key).update(identity).digest('hex').slice(0, HASH_HEX_DIGITS)}`;
}

/**
 * The identity hash for this run's access logs (undefined with `kept`, or when no log is read).
 * A store keeps the mode of its first import; an access log imported in the other mode is
 * refused, as it would split each visitor in two. A store imported into before modes were
 * recorded holds raw IPs, so it counts as `kept`.
 */
export async function identityHasher(
  store: Store,
  asked: IpMode,
  readsLogs: boolean,
): Promise<((identity: string) => string) | undefined> {
  const imported = (await store.imports()).length > 0;
  const recorded = await store.meta(MODE);
  const mode: IpMode = imported ? (recorded === 'hashed' ? 'hashed' : 'kept') : asked;
  if (readsLogs && mode !== asked) {
    throw new StintError(
      'STINT_BAD_FLAG',
      mode === 'kept'
        ? `${store.path} keeps access-log IP addresses as they are: hashing them now would split each visitor in two`
        : `${store.path} keeps access-log identities as keyed hashes: raw IPs now would split each visitor in two`,
      mode === 'kept'
        ? 'Import with --keep-ips, or import every file again into a new --db without it'
        : 'Import without --keep-ips, or import every file again into a new --db with it',
    );
  }
  let key = await store.meta(KEY);
  const makeKey = mode === 'hashed' && key === undefined;
  if (recorded !== mode || makeKey) {
    key ??= randomBytes(32).toString('hex');
    const made = key;
    await store.transaction(async (tx) => {
      await tx.setMeta(MODE, mode);
      if (makeKey) await tx.setMeta(KEY, made);
    });
  }
  if (!readsLogs || mode === 'kept') return undefined;
  const secret = Buffer.from(key!, 'hex');
  return (identity) => hashIdentity(secret, identity);
}

/** Whether any of the inputs is read as an access log (as `openInput` will decide). */
export async function readsAccessLogs(
  paths: readonly string[],
  format: InputFormatName | undefined,
): Promise<boolean> {
  if (format !== undefined)
    return !(FILE_FORMATS as readonly string[]).includes(format) || format === 'access-log';
  for (const path of paths) {
    // A file detection cannot place fails later, with its own message.
    if ((await detectFileFormat(path).catch(() => undefined)) === 'access-log') return true;
  }
  return false;
}
