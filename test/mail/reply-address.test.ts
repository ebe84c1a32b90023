import { describe, expect, it } from 'vitest';
import { base32, replyAddress, signToken, tokenOf, unbase32, verifyToken, type ReplyKeys } from '../../src/mail/reply-address.js';

const keys: ReplyKeys = { keys: [{ version: 1, secret: 'first secret, long enough' }], max_age_days: 90, separator: '+' };
const day = (iso: string) => new Date(`${iso}T10:00:00Z`);
const issued = day('2026-11-27');
const config = { support_address: 'Support@BrightPixel.example', reply_addresses: keys };

describe('reply addresses', () => {
  it('round-trips base32 in lowercase', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 7]);
    expect(base32(bytes)).toMatch(/^[a-z2-7]+$/);
    expect(unbase32(base32(bytes))).toEqual(bytes);
    expect(unbase32(base32(bytes).toUpperCase())).toEqual(bytes);
  });

  it('verifies a token for its ticket and staff member', () => {
    const token = signToken(keys, { ticketId: 1042, staffId: 'seth', issued });
    expect(verifyToken(keys, token, 'seth', day('2026-12-01'))).toMatchObject({ ok: true, ticketId: 1042, version: 1 });
  });

  it('refuses the token for another staff member', () => {
    const token = signToken(keys, { ticketId: 1042, staffId: 'seth', issued });
    expect(verifyToken(keys, token, 'olivia', issued)).toEqual({ ok: false, reason: 'the token does not verify' });
  });

  it('refuses a token with any character changed (ticket id, day or MAC)', () => {
    const token = signToken(keys, { ticketId: 1042, staffId: 'seth', issued });
    for (let i = 2; i < token.length; i++) {
      const c = token[i] === 'a' ? 'b' : 'a';
      const tampered = token.slice(0, i) + c + token.slice(i + 1);
      expect(verifyToken(keys, tampered, 'seth', issued).ok, `position ${i}`).toBe(false);
    }
  });

  it('refuses an expired token, naming its ticket', () => {
    const token = signToken(keys, { ticketId: 7, staffId: 'seth', issued: day('2026-01-01') });
    expect(verifyToken(keys, token, 'seth', day('2026-04-01')).ok).toBe(true); // day 90
    expect(verifyToken(keys, token, 'seth', day('2026-04-02'))).toMatchObject({ ok: false, ticketId: 7, reason: expect.stringContaining('expired') });
  });

  it('signs with the newest key and still verifies the previous one (rotation)', () => {
    const old = signToken(keys, { ticketId: 5, staffId: 'seth', issued });
    const rotated: ReplyKeys = { ...keys, keys: [...keys.keys, { version: 2, secret: 'second secret, also long' }] };
    const fresh = signToken(rotated, { ticketId: 5, staffId: 'seth', issued });
    expect(verifyToken(rotated, old, 'seth', issued)).toMatchObject({ ok: true, version: 1 });
    expect(verifyToken(rotated, fresh, 'seth', issued)).toMatchObject({ ok: true, version: 2 });
    // Once the old key is dropped, its tokens are refused.
    const dropped: ReplyKeys = { ...keys, keys: [{ version: 2, secret: 'second secret, also long' }] };
    expect(verifyToken(dropped, old, 'seth', issued).ok).toBe(false);
  });

  it('refuses a token signed with another secret under the same version', () => {
    const other: ReplyKeys = { ...keys, keys: [{ version: 1, secret: 'someone else entirely' }] };
    const token = signToken(other, { ticketId: 5, staffId: 'seth', issued });
    expect(verifyToken(keys, token, 'seth', issued).ok).toBe(false);
  });

  it('builds a lowercase plus address and finds the token in it whatever its case', () => {
    const address = replyAddress(config, { ticketId: 1042, staffId: 'seth', issued })!;
    expect(address).toMatch(/^support\+t\.[a-z2-7]+@brightpixel\.example$/);
    const token = tokenOf(config, address.toUpperCase())!;
    expect(verifyToken(keys, token, 'seth', issued)).toMatchObject({ ok: true, ticketId: 1042 });
    expect(tokenOf(config, 'support@brightpixel.example')).toBeNull();
    expect(tokenOf(config, 'support+seo@brightpixel.example')).toBeNull();
    expect(tokenOf(config, address.replace('brightpixel', 'evil'))).toBeNull();
  });

  it('writes no address without reply_addresses configured', () => {
    expect(replyAddress({ support_address: 'support@brightpixel.example' }, { ticketId: 1, staffId: 'seth', issued })).toBeNull();
  });
});
