import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

// Who claims outbox rows, and when a claim is abandoned. The start token tells this process
// from an earlier one with the same pid (pid 1 of a container restarted on the same host).

const host = hostname();
export const claimant = `${host}/${process.pid}/${randomBytes(4).toString('hex')}`;

/** Any claim older than this is abandoned: one send gives up far sooner (30 s connect, 60 s idle socket). */
export const STALE_CLAIM_MINUTES = 10;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

/** True when the deliverer behind a claim is gone: too old, or a dead process on this host. */
export function isStaleClaim(claimedAt: string | null, claimedBy: string | null, now = Date.now()): boolean {
  if (!claimedAt || Date.parse(claimedAt) < now - STALE_CLAIM_MINUTES * 60_000) return true;
  if (!claimedBy || claimedBy === claimant) return !claimedBy;
  const parts = claimedBy.split('/');
  const pid = Number(parts[parts.length - 2]);
  if (parts.slice(0, -2).join('/') !== host || !Number.isInteger(pid)) return false; // elsewhere: only age tells
  return pid === process.pid || !isAlive(pid);
}
