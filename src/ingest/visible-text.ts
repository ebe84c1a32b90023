import { parseReply } from './reply-parser.js';

// The new text of a reply: quoted history and signature removed by email-reply-parser, after
// a pre-pass that cuts the history off first. The pre-pass has two reasons:
// - Speed: the library tests ~60 regexes on every line (reversed, bottom-up), about 30 µs a
//   line, which doubled our parse time on long threads. Everything below the first quoted
//   line, "-----Original Message-----" or Outlook header block is history in a top-posted
//   reply, so the library only sees the new text plus the first quoted line (it needs that
//   line to recognise "On <date>, X wrote:" above it as a quote header).
// - A form it misses: Outlook's "From: Name" / "Sent: date" block when the sender shows no
//   address (Exchange-internal names): the library only knows "From:" with "<address>".
//   Also the German, French, Spanish, Dutch and Scandinavian labels of that block.
// An interleaved reply (answers between quoted lines) then keeps nothing visible, and falls
// back to the whole text, which is the faithful view of such a mail anyway.

const OUTLOOK_HEADER =
  /^[ \t*]*(?:From|Von|De|Van|Fra|Från)[ \t*]*:.*\n[ \t*]*(?:Sent|Date|Gesendet|Envoyé|Enviado|Verzonden|Sendt|Skickat)[ \t*]*:/im;
const ORIGINAL_MESSAGE = /^[ \t]*-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oprindelig besked)[ \t-]*$/im;
const FIRST_QUOTED_LINE = /^[ \t]*>.*$/m;
const MAX_VISIBLE_SCAN = 32 * 1024;

/** Where the quoted history starts (keeping the first quoted line), or the text length. */
function historyStart(text: string): number {
  // Only the first 32 KB is kept anyway; the searches look no further (a hostile body of
  // spaces after a marker made them quadratic over the whole text).
  const body = text.slice(0, MAX_VISIBLE_SCAN);
  let cut = body.length;
  const outlook = OUTLOOK_HEADER.exec(body);
  if (outlook) cut = Math.min(cut, outlook.index);
  const original = ORIGINAL_MESSAGE.exec(body);
  if (original) cut = Math.min(cut, original.index);
  const quoted = FIRST_QUOTED_LINE.exec(body);
  if (quoted) cut = Math.min(cut, quoted.index + quoted[0].length);
  return cut;
}

/**
 * True when the text still holds quoted history: an Outlook header block, an "Original
 * Message" line or a "> " line. Staff mail with such text is never relayed (it would send our
 * own notice, with its internal details, to the client).
 */
export function hasQuotedHistory(text: string): boolean {
  const body = text.replace(/\r\n/g, '\n').slice(0, MAX_VISIBLE_SCAN);
  return OUTLOOK_HEADER.test(body) || ORIGINAL_MESSAGE.test(body) || FIRST_QUOTED_LINE.test(body);
}

export function visibleText(text: string): string {
  let body = text.replace(/\r\n/g, '\n');
  body = body.slice(0, historyStart(body));
  // Blank-line runs (HTML converted from &nbsp; paragraphs) are squeezed to one blank line.
  const visible = parseReply(body)
    .getVisibleText()
    .replace(/\n[ \t\u00a0]*(?:\n[ \t\u00a0]*){2,}/g, '\n\n')
    .trim();
  // A message that is all quote or signature (a bare forward, "Sent from my iPhone" only)
  // would become empty; then the whole text is what the person sent us.
  return visible || text.trim();
}
