import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';

// Signed reply addresses (README "Email commands", DESIGN.md invariant 4): the Reply-To of
// staff mail about a ticket is `support+t.<token>@domain`. The token carries the key version,
// the issue day and the ticket id in the clear, and an HMAC-SHA256 over those and the staff
// id, truncated: the staff id is not in the token, so a token shows nothing about who got it,
// and verifying it for another staff member fails. Lowercase base32, since mail systems may
// lowercase the local part.

export type ReplyKeys = NonNullable<Config['reply_addresses']>;

export interface TokenClaims {
  ticketId: number;
  staffId: string;
  /** Issue time; only its UTC day is signed. */
  issued: Date;
}

export type Verified =
  | { ok: true; ticketId: number; version: number; issuedDay: number }
  /** `ticketId` is set when the token is genuine but refused (expired): who it was for is known. */
  | { ok: false; reason: string; ticketId?: number };

const MAC_BYTES = 10; // 80 bits: a guess is as good as a random 80-bit number
const PREFIX = 't.';
const DAY_MS = 86_400_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.toLowerCase()) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  // Canonical only: padding bits set means another string for the same bytes.
  if (value !== 0 || bits >= 5) return null;
  return Buffer.from(bytes);
}

const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

function mac(secret: string, version: number, day: number, ticketId: number, staffId: string): Buffer {
  return createHmac('sha256', secret).update(`ticketd-reply\0${version}\0${day}\0${ticketId}\0${staffId}`).digest().subarray(0, MAC_BYTES);
}

/** version (1 byte), issue day (2 bytes, days since 1970), ticket id (4 bytes), MAC. */
export function signToken(keys: ReplyKeys, claims: TokenClaims): string {
  const key = keys.keys.reduce((a, b) => (b.version > a.version ? b : a));
  const day = dayOf(claims.issued);
  const head = Buffer.alloc(7);
  head.writeUInt8(key.version, 0);
  head.writeUInt16BE(day, 1);
  head.writeUInt32BE(claims.ticketId, 3);
  return PREFIX + base32(Buffer.concat([head, mac(key.secret, key.version, day, claims.ticketId, claims.staffId)]));
}

/** Does the token verify for this staff member now? Constant-time on the MAC. */
export function verifyToken(keys: ReplyKeys, token: string, staffId: string, now: Date): Verified {
  if (!token.toLowerCase().startsWith(PREFIX)) return { ok: false, reason: 'not a reply token' };
  const raw = unbase32(token.slice(PREFIX.length));
  if (!raw || raw.length !== 7 + MAC_BYTES) return { ok: false, reason: 'the token is malformed' };
  const version = raw.readUInt8(0);
  const day = raw.readUInt16BE(1);
  const ticketId = raw.readUInt32BE(3);
  const key = keys.keys.find((k) => k.version === version);
  if (!key) return { ok: false, reason: `the token was signed with key version ${version}, which is not configured` };
  if (!timingSafeEqual(raw.subarray(7), mac(key.secret, version, day, ticketId, staffId))) return { ok: false, reason: 'the token does not verify' };
  const age = dayOf(now) - day;
  if (age > keys.max_age_days) return { ok: false, reason: `the reply address expired (issued ${age} days ago, valid for ${keys.max_age_days})`, ticketId };
  if (age < -1) return { ok: false, reason: 'the token is dated in the future', ticketId };
  return { ok: true, ticketId, version, issuedDay: day };
}

/** `support+t.<token>@domain`, the separator from config. */
export function replyAddress(config: Pick<Config, 'support_address' | 'reply_addresses'>, claims: TokenClaims): string | null {
  const keys = config.reply_addresses;
  if (!keys) return null;
  const [local, domain] = splitAddress(config.support_address);
  return `${local}${keys.separator}${signToken(keys, claims)}@${domain}`.toLowerCase();
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}

/** The token of a recipient that is a signed reply address of ours, else null. Case-insensitive. */
export function tokenOf(config: Pick<Config, 'support_address' | 'reply_addresses'>, recipient: string): string | null {
  const keys = config.reply_addresses;
  if (!keys) return null;
  const [local, domain] = splitAddress(config.support_address.toLowerCase());
  const [rLocal, rDomain] = splitAddress(recipient.toLowerCase());
  if (rDomain !== domain) return null;
  const start = `${local}${keys.separator}${PREFIX}`;
  if (!rLocal.startsWith(start)) return null;
  return PREFIX + rLocal.slice(start.length);
}
