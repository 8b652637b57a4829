/**
 * A delivery's signature: `stint-signature: t=UNIX_SECONDS,v1=HEX`, HEX being
 * HMAC-SHA256(secret, `${t}.${body}`), and its check as a receiver makes it (5-minute tolerance).
 *
 *   const header = signatureHeader('whsec_…', body, Date.now());
 *   verifySignature(header, 'whsec_…', body, Date.now()); // { ok: true }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_S = 300;

export function signatureOf(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

/** Checks a `stint-signature` header against the raw body: the HMAC, and a time within the tolerance. */
export function verifySignature(
  header: string | undefined,
  secret: string,
  body: string,
  nowMs: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): { ok: true } | { ok: false; why: string } {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || given === undefined || !/^[0-9a-f]{64}$/.test(given))
    return { ok: false, why: 'no t=…,v1=… signature' };
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return { ok: false, why: 'timestamp outside the tolerance' };
  const want = Buffer.from(signatureOf(secret, t, body), 'hex');
  if (!timingSafeEqual(want, Buffer.from(given, 'hex'))) return { ok: false, why: 'signature mismatch' };
  return { ok: true };
}
