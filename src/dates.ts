// Dates people read and the wall-clock math of the scheduler share these Intl formatters: one
// per (style, zone), made once, since building one costs far more than using it. The zone is
// the config's `timezone`, validated at load, so no formatter here meets an unknown zone.

const styles = {
  /** "2025-06-03 09:12 CDT": CLI tables and lines. */
  stamp: ['en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }],
  /** Parts for the scheduler's wall-clock math (src/schedule/clock.ts). */
  clock: ['en-US', { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' }],
  /** Parts to the second, for a zone's offset from UTC (src/cli/time.ts). */
  offset: ['en-US', { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }],
  /** "Friday 27 November 2026" in scheduled mail, put together from parts. */
  day: ['en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }],
} as const satisfies Record<string, readonly [string, Intl.DateTimeFormatOptions]>;

export type FormatStyle = keyof typeof styles;

const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneFormatter(style: FormatStyle, timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const [locale, options] = styles[style];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** The parts of `at` in `timeZone` by type (year, month, hour, weekday…). */
export function zoneParts(style: FormatStyle, at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(zoneFormatter(style, timeZone).formatToParts(at).map((p) => [p.type, p.value]));
}

/** "2025-06-03 09:12 CDT": an ISO instant as wall-clock time in `timeZone`. */
export function localTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = zoneParts('stamp', d, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** "Friday 27 November 2026": ICU versions differ on the comma after the weekday. */
export function dayWords(at: Date, timeZone: string): string {
  const p = zoneParts('day', at, timeZone);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

// "always": "1 day ago", never "yesterday", which would name a calendar day the time may not be on.
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "12 minutes ago", "5 hours ago", "2 days ago", "3 weeks ago", "4 months ago":
 * how long ago `sinceIso` was. Minutes and hours are counted down (59 minutes is not an hour);
 * longer units are rounded, so 47 hours reads "2 days ago". A clock ahead is "just now".
 */
export function ago(sinceIso: string, now: Date = new Date()): string {
  const s = Math.max(0, (now.getTime() - Date.parse(sinceIso)) / 1000);
  if (!Number.isFinite(s) || s < MINUTE) return 'just now';
  if (s < HOUR) return relative.format(-Math.floor(s / MINUTE), 'minute');
  if (s < DAY) return relative.format(-Math.floor(s / HOUR), 'hour');
  if (s < 13.5 * DAY) return relative.format(-Math.round(s / DAY), 'day');
  if (s < 59.5 * DAY) return relative.format(-Math.round(s / (7 * DAY)), 'week');
  if (s < 365 * DAY) return relative.format(-Math.max(2, Math.round(s / (30.44 * DAY))), 'month');
  return relative.format(-Math.max(1, Math.floor(s / (365.25 * DAY))), 'year');
}
