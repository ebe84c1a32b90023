import { WEEKDAYS } from '../config/schema.js';
import { zoneParts } from '../dates.js';

// Wall-clock math in the configured IANA zone, through Intl only: no offsets are stored or
// added by hand, so the DST change days need no special case. A day is named by its local
// date; a job is due once the local clock has reached its time on that date.

export type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  /** YYYY-MM-DD in the zone: the day a claim is for. */
  date: string;
  /** Minutes since local midnight as the clock on the wall shows them (0..1439). */
  minutes: number;
  weekday: Weekday;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = zoneParts('clock', at, timeZone);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    weekday: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday,
  };
}

/** "08:00" → 480. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface Calendar {
  timezone: string;
  business_days: readonly Weekday[];
  holidays: readonly string[];
}

/** Why no job runs on this local day, or null when it is a working day. */
export function dayOff(day: LocalTime, cal: Calendar): string | null {
  if (cal.holidays.includes(day.date)) return `${day.date} is a holiday`;
  if (!cal.business_days.includes(day.weekday)) return `${day.date} is not a business day (${day.weekday})`;
  return null;
}

const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The first instant at or after which the zone's clock shows `date` and at least `hhmm`.
 * On a spring-forward day a time inside the gap (02:30) is first reached at 03:00.
 */
export function instantOf(date: string, hhmm: string, timeZone: string): Date {
  const want = minutesOf(hhmm);
  // Start from the time read as UTC and step by the offset seen there (twice: the offset may
  // differ on the other side of a change), then step forward a minute at a time into a gap.
  let t = Date.parse(`${date}T${hhmm}:00Z`);
  for (let i = 0; i < 2; i++) {
    const l = localTime(new Date(t), timeZone);
    const diffDays = (Date.parse(`${l.date}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000;
    t -= (diffDays * 1440 + l.minutes - want) * 60_000;
  }
  // Inside a gap the two steps may land an hour early; never before the wanted wall time.
  for (let i = 0; i < 180; i++) {
    const l = localTime(new Date(t), timeZone);
    if (l.date > date || (l.date === date && l.minutes >= want)) break;
    t += 60_000;
  }
  return new Date(t);
}

/** The next time a job at `hhmm` runs, from `from` on (today's if still ahead), skipping days off. */
export function nextRun(hhmm: string, from: Date, cal: Calendar): Date | null {
  const today = localTime(from, cal.timezone);
  for (let n = 0; n < 400; n++) {
    const date = addDays(today.date, n);
    const at = instantOf(date, hhmm, cal.timezone);
    if (at.getTime() < from.getTime() && n === 0) continue;
    if (!dayOff(localTime(at, cal.timezone), cal)) return at;
  }
  return null;
}
