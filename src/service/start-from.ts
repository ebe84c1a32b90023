import { instantOf } from '../schedule/clock.js';

// mailbox.start_from, read once: when the database first reads a folder. `now` is the
// folder's UIDNEXT at that moment (exact, whatever the server's clock says); a date is the
// first message the server received (INTERNALDATE) at or after that instant.

export type StartFrom = { kind: 'all' } | { kind: 'now'; at: Date } | { kind: 'since'; at: Date };

/** start_from as validated by the config schema; a bare date is midnight in `timeZone`. */
export function startFrom(value: string, timeZone: string, now: Date): StartFrom {
  if (value === 'all') return { kind: 'all' };
  if (value === 'now') return { kind: 'now', at: now };
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { kind: 'since', at: instantOf(value, '00:00', timeZone) };
  return { kind: 'since', at: new Date(value) };
}

// A new UIDVALIDITY (a restored or migrated folder) rescans from the recorded start instant
// less a day: servers and migration tools keep arrival times only roughly, and what the
// margin lets in again is recognised as a duplicate by the journal.
export const RESCAN_MARGIN_MS = 86_400_000;
