// CSV as RFC 4180 writes it (UTF-8, CRLF after every record, fields with a comma, quote, CR
// or LF quoted, quotes doubled), guarded against formula injection: a spreadsheet runs a
// cell that starts with = + - @ (or a TAB or CR before one), so such a field gets a leading
// apostrophe and is shown as text (OWASP "CSV Injection").

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: defused, then quoted if needed. Null and undefined are empty. */
export function csvField(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header and rows as one CSV document, each record ended by CRLF. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
