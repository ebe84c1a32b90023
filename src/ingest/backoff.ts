// How long to wait before reconnecting to the mailbox after attempt n failed (n from 0).
// Pure: the caller owns the attempt counter and resets it only after a full successful poll,
// so a server that accepts the login and then drops us at once still backs off.

export interface BackoffOptions {
  /** First delay. */
  baseMs: number;
  /** Never wait longer than this; a mailbox that comes back is picked up within it. */
  maxMs: number;
  /** 0..1: the share of the delay that is random, so many daemons do not reconnect in step. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 };

/**
 * After a refused login (src/login-failure.ts): a minute, doubling to 15. Only the operator
 * fixes a password, and a server counting failed logins (fail2ban, Dovecot's auth penalty)
 * would lock the account or ban our address long after the fix if we kept knocking.
 */
export const loginBackoff: BackoffOptions = { baseMs: 60_000, maxMs: 15 * 60_000, jitter: 0.2 };

export function nextDelayMs(attempt: number, opts: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  // Exponent capped so 2 ** n stays finite however long the outage lasts.
  const n = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** n);
  const jitter = Math.min(Math.max(opts.jitter, 0), 1);
  // Full delay minus a random part: the cap is never exceeded, the floor never goes to zero.
  return Math.round(ceiling * (1 - jitter * random()));
}
