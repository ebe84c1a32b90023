import { newTextOfHtml } from './html-quote.js';
import { holdsHistory, scanQuotes } from './quote-lines.js';
import { splitSignature } from './signature.js';

// The new text of a message: its quoted history removed (from the HTML part's quote markers
// when there are any, else by the text heuristics of quote-lines.ts), and its signature split
// off (signature.ts), so the relay can keep or drop it (`relay.keep_signature`). Never empty
// when the mail has text: a mail that is all quote or all signature keeps its whole text.

export interface Reply {
  /** The new text without its signature. */
  visible: string;
  /** The signature split off the new text ("-- " block, "Sent from my iPhone"), or null. */
  signature: string | null;
}

// Outlook writes the same From/Sent/To/Subject block above a forwarded message as above a
// quoted one: only the subject tells them apart.
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|wg|tr|rv|enc|i|vs|vb|pd|doorst|trs|пересл|ynt)\s*:/iu;

/** Lines trimmed at the end, no-break spaces as spaces, blank-line runs squeezed to one. */
function tidy(text: string): string {
  const out: string[] = [];
  let blank = 0;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\u00a0/g, ' ').trimEnd();
    blank = line ? 0 : blank + 1;
    if (blank < 2) out.push(line);
  }
  return out.join('\n').trim();
}

export function extractReply(text: string, html: string | null = null, subject = ''): Reply {
  const full = tidy(text);
  const plain = scanQuotes(full);
  if (plain.forward || (plain.boundary !== null && plain.boundary !== 'attribution' && FORWARD_SUBJECT.test(subject))) {
    return { visible: full, signature: null };
  }
  let fresh = tidy(plain.kept.join('\n'));
  const fromHtml = html ? newTextOfHtml(html) : null;
  if (fromHtml !== null) {
    // What the markers left may still hold a quote they do not mark (a pasted "-----Original Message-----").
    const rest = tidy(scanQuotes(tidy(fromHtml)).kept.join('\n'));
    if (rest) fresh = rest;
  }
  if (!fresh) return { visible: full, signature: null };
  const { body, signature } = splitSignature(fresh);
  return { visible: body, signature };
}

export function visibleText(text: string, html: string | null = null, subject = ''): string {
  return extractReply(text, html, subject).visible;
}

/**
 * True when the text still holds quoted history: a "> " line, an Outlook header block, an
 * "Original Message" line or an attribution with an address. Staff mail with such text is
 * never relayed (it would send our own notice, with its internal details, to the client).
 */
export function hasQuotedHistory(text: string): boolean {
  return holdsHistory(tidy(text));
}
