/**
 * A delivery's signature: HMAC-SHA256(secret, `${t}.${body}`) as hex (the value below is
 * openssl's: printf '%s' '1700000000.{"id":"dlv_1"}' | openssl dgst -sha256 -hmac whsec_test),
 * checked with a 5-minute tolerance, refused with another secret or another body.
 */
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../../src/server/webhooks/sign.ts';

const T = 1_700_000_000;
const BODY = '{"id":"dlv_1"}';
const OPENSSL = '2a0722e4ac505ea617f66864cfe969f1a52b2eb51aa59f3addb27def47a81236';

describe('webhook signatures', () => {
  it('is t=UNIX_SECONDS,v1=HMAC-SHA256(secret, t.body) in hex, as openssl computes it', () => {
    expect(signatureHeader('whsec_test', BODY, T * 1000 + 999)).toBe(`t=${T},v1=${OPENSSL}`);
  });

  it('verifies within 5 minutes, and not with another secret, body or an old time', () => {
    const header = `t=${T},v1=${OPENSSL}`;
    expect(verifySignature(header, 'whsec_test', BODY, (T + 300) * 1000)).toEqual({ ok: true });
    expect(verifySignature(header, 'whsec_test', BODY, (T - 300) * 1000)).toEqual({ ok: true });
    expect(verifySignature(header, 'whsec_test', BODY, (T + 301) * 1000)).toEqual({
      ok: false,
      why: 'timestamp outside the tolerance',
    });
    expect(verifySignature(header, 'whsec_other', BODY, T * 1000)).toEqual({
      ok: false,
      why: 'signature mismatch',
    });
    expect(verifySignature(header, 'whsec_test', '{"id":"dlv_2"}', T * 1000).ok).toBe(false);
    expect(verifySignature(undefined, 'whsec_test', BODY, T * 1000).ok).toBe(false);
    expect(verifySignature(`t=${T},v1=zz`, 'whsec_test', BODY, T * 1000).ok).toBe(false);
  });
});
