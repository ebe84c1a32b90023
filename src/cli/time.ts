import { zoneParts } from '../dates.js';

// The CLI's reading of dates people type (--since); dates it prints come from src/dates.ts.

/** Minutes `timeZone` is ahead of UTC at `at`. */
function offsetMinutes(at: Date, timeZone: string): number {
  const p = zoneParts('offset', at, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/**
 * A --since value as an ISO instant: YYYY-MM-DD is midnight of that day in `timeZone`; a full
 * ISO time (with Z or an offset) is taken as it is. Null when it is neither.
 */
export function sinceInstant(text: string, timeZone: string): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (day) {
    const utcMidnight = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    const check = new Date(utcMidnight);
    if (check.getUTCMonth() !== Number(day[2]) - 1 || check.getUTCDate() !== Number(day[3])) return null;
    // The offset at that midnight; a second pass settles days a DST change starts or ends on.
    let guess = utcMidnight - offsetMinutes(new Date(utcMidnight), timeZone) * 60000;
    guess = utcMidnight - offsetMinutes(new Date(guess), timeZone) * 60000;
    return new Date(guess).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) return null;
  const t = Date.parse(text.trim());
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
