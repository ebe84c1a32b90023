import type Mail from 'nodemailer/lib/mailer/index.js';

// The header lines of a mail as delivery hands it to SMTP (`messageOf`), for a person to read
// (`ticketd outbox show`): names and values decoded, in the order a mail client lists them.

type AddressLike = Mail.Options['from'];

function address(a: AddressLike): string {
  if (!a) return '';
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.map(address).join(', ');
  return a.name ? `${a.name} <${a.address}>` : (a.address ?? '');
}

/** RFC 5322 date in UTC, as nodemailer writes it. */
const rfcDate = (d: Date): string => d.toUTCString().replace(/GMT$/, '+0000');

const ids = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

export function sentHeaders(m: Mail.Options): [string, string][] {
  const lines: [string, string][] = [
    ['From', address(m.from)],
    ['To', address(m.to)],
    ['Reply-To', address(m.replyTo)],
    ['Subject', m.subject ?? ''],
    ['Date', m.date instanceof Date ? rfcDate(m.date) : String(m.date ?? '')],
    ['Message-ID', m.messageId ?? ''],
    ['In-Reply-To', m.inReplyTo ?? ''],
    ['References', ids(m.references)],
  ];
  for (const [k, v] of Object.entries((m.headers ?? {}) as Record<string, string>)) lines.push([k, String(v)]);
  return lines.filter(([, v]) => v !== '');
}
