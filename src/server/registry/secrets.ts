/**
 * The registry's secrets: new random keys and tokens, their SHA-256 (all the file keeps), and
 * comparisons that take the same time whatever the text.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const secret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
export const sameText = (a: string, b: string): boolean => sameHash(sha256(a), sha256(b));
