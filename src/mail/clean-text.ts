// Text from a stranger's mail that we store, print on a terminal or put into our own mail.
// Control characters (ESC starts terminal escape sequences, BEL rings, CR rewrites a line)
// and bidi overrides/isolates (which show "exe.txt" as "txt.exe") are removed; one-line
// fields lose their line breaks too, and lengths are capped. Pure, so the parser, the mail
// builder and the CLI printers all clean the same way.

export const NAME_MAX = 100;
export const SUBJECT_MAX = 250;
/** Message-IDs kept of a References header: the thread's root and the 19 latest. */
export const REFERENCES_MAX = 20;

// C0 and C1 controls and DEL, bidi embeddings/overrides (U+202A-202E) and isolates
// (U+2066-2069), and the invisible direction marks (LRM, RLM, ALM): none has a use in a
// name, subject or plain-text body that outweighs disguising what the reader sees.
// Zero-width (non-)joiners stay: emoji sequences and Persian or Indic words need them.
const INVISIBLE = '\\u200e\\u200f\\u061c\\u202a-\\u202e\\u2066-\\u2069';
const LINE_BREAKS = '\\r\\n\\u0085\\u2028\\u2029';
const UNSAFE_IN_LINE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}\\u2028\\u2029]`, 'g');
const UNSAFE_IN_TEXT = `[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${INVISIBLE}\\u2028\\u2029]`;
const HAS_UNSAFE_IN_TEXT = new RegExp(UNSAFE_IN_TEXT);
const UNSAFE_IN_TEXT_ALL = new RegExp(UNSAFE_IN_TEXT, 'g');
const HAS_LINE_BREAK = new RegExp(`[${LINE_BREAKS}]`);
const INVISIBLE_ALL = new RegExp(`[${INVISIBLE}]`, 'g');

/** Cut to `max` characters, ending with "…" when cut, never splitting a surrogate pair. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(s[end - 1] ?? '')) end--;
  return `${s.slice(0, end)}…`;
}

/**
 * One line of text: tabs, line breaks and other controls become a space, bidi controls are
 * removed, blanks are squeezed, and the result is capped at `max` characters.
 */
export function cleanLine(text: string, max = Infinity): string {
  // Bidi controls go first, so that "a\u202eb" stays one word; controls separate words.
  const flat = text
    .replace(INVISIBLE_ALL, '')
    .replace(UNSAFE_IN_LINE, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cap(flat, max);
}

const HAS_UNSAFE_IN_LINE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}\\u2028\\u2029]`);

/**
 * A header value as decoded: unfolded it holds no line break, but an encoded word can decode
 * to one (or to ESC), which would then reach notes, reasons and `explain` as a line of its own.
 * Values without such characters, nearly all, are returned as they are.
 */
export const cleanHeaderValue = (value: string): string => (HAS_UNSAFE_IN_LINE.test(value) ? cleanLine(value) : value);

/** A subject as we store and print it: one line of at most SUBJECT_MAX characters. */
export const cleanSubject = (subject: string): string => cleanLine(subject, SUBJECT_MAX);

/** Multi-line text (a body): CRLF and lone CR become LF; only LF and TAB remain of the controls. */
export function cleanText(text: string): string {
  if (!HAS_UNSAFE_IN_TEXT.test(text)) return text; // the common case: no copy of a large body
  return text.replace(/\r\n?|\u2028|\u2029|\u0085/g, '\n').replace(UNSAFE_IN_TEXT_ALL, '');
}

// A display name that reads like a message ("Bob,\n\nYour account is locked, verify at
// http://…") would speak in our voice when we greet its owner. Names a person would write
// have no line breaks, links or addresses, and are short.
const LOOKS_LIKE_LINK = /:\/\/|\bwww\.|@|\b[a-z0-9-]{2,}\.(?:[a-z]{2,})\b/i;

/**
 * The display name of an address as we store and print it: cleaned to one line, or "" (we
 * then greet neutrally) when it holds a line break, a link, a domain or an address, or is
 * longer than NAME_MAX.
 */
export function cleanName(name: string): string {
  if (HAS_LINE_BREAK.test(name)) return '';
  const line = cleanLine(name);
  if (line.length > NAME_MAX || LOOKS_LIKE_LINK.test(line)) return '';
  return line;
}

/** References cut to REFERENCES_MAX ids: the first (the thread's root) and the latest. */
export function capReferences(ids: readonly string[]): string[] {
  if (ids.length <= REFERENCES_MAX) return [...ids];
  return [ids[0]!, ...ids.slice(ids.length - (REFERENCES_MAX - 1))];
}

const UNSAFE_IN_JSON = new RegExp(`[\\u007f-\\u009f${INVISIBLE}\\u2028\\u2029]`, 'g');

/**
 * JSON text with the characters JSON.stringify leaves raw but a terminal acts on (C1
 * controls, DEL, bidi controls, line separators) written as \u escapes: the same data.
 */
export function escapeForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
