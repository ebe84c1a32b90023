import EmailReplyParser from 'email-reply-parser';

// The new text of a reply: quoted history and signature removed by email-reply-parser, after
// one pre-pass for a form it misses (checked on real replies, see test/ingest/parse.test.ts).

const parser = new EmailReplyParser();

// Outlook's reply header when the original sender has no address shown (Exchange-internal
// names, or "From: Bright Pixel Support" alone): the library only knows "From:" followed by
// "<address>" or "[address]". A "From:" line directly followed by "Sent:"/"Date:" is the
// header block of the quoted original in every client we checked, so we cut there. Also the
// German, French, Spanish, Dutch and Scandinavian Outlook labels.
const OUTLOOK_HEADER = /^[ \t>*]*(?:From|Von|De|Van|Fra|Från)[ \t]*:.*\r?\n[ \t>*]*(?:Sent|Date|Gesendet|Envoyé|Enviado|Verzonden|Sendt|Skickat)[ \t]*:/im;

export function visibleText(text: string): string {
  let body = text.replace(/\r\n/g, '\n');
  const outlook = OUTLOOK_HEADER.exec(body);
  if (outlook) body = body.slice(0, outlook.index);
  const visible = parser.read(body).getVisibleText().trim();
  // A message that is all quote or signature (a bare forward, "Sent from my iPhone" only)
  // would become empty; then the whole text is what the person sent us.
  return visible || text.trim();
}
