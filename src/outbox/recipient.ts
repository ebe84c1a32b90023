import emailAddresses from 'email-addresses';
import addressparser from 'nodemailer/lib/addressparser/index.js';

// Who one outgoing row may go to. A row goes to exactly one bare mailbox: anything that could
// make SMTP (or a person reading the To line) see more than one address, or a name we did not
// write, is refused before the row is written. Pure: no database, no config.

// A DNS name: labels of letters, digits and inner hyphens (RFC 5322 atoms also allow `_`,
// `!`, `#`… in a domain, which no mail host has).
const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/** Why `to` is not exactly one bare, syntactically valid mailbox; null when it is. */
export function mailboxProblem(to: string): string | null {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(to)) return 'contains a line break or control character';
  // What nodemailer itself would make of it: how many recipients this text could become.
  const seen = addressparser(to);
  if (seen.length > 1) return `lists ${addressparser(to, { flatten: true }).length} addresses`;
  const first = seen[0];
  if (first && 'group' in first) return `is a group (${first.group?.length ?? 0} addresses)`;
  if (/\s/u.test(to)) return 'contains spaces';
  // The grammar of RFC 5322 (with UTF-8, RFC 6532), strictly: no obsolete forms.
  const one = emailAddresses.parseOneAddress({ input: to, rfc6532: true, rejectTLD: true, strict: true, startAt: 'address' });
  if (!one) return 'is not a valid address';
  if (one.type === 'group') return 'is a group';
  if (one.name !== null) return 'carries a display name';
  // Angle brackets, comments and quoted local parts parse to a different address string.
  if (one.address !== to) return 'is not a bare address (brackets, comment or quotes)';
  if (!one.domain.split('.').every((l) => label.test(l))) return 'has no valid domain name';
  return null;
}

/**
 * The address the rate limits count: lowercase, `+tag` removed from the local part, so
 * victim+1@ and victim+2@ share one quota. Assumes a bare address (see mailboxProblem).
 */
export function recipientKey(addr: string): string {
  const at = addr.lastIndexOf('@');
  const local = addr.slice(0, at);
  const plus = local.indexOf('+');
  return (plus > 0 ? local.slice(0, plus) + addr.slice(at) : addr).toLowerCase();
}

/** True for the support address in any `+` form: mail there would come straight back in. */
export const isOwnAddress = (supportAddress: string, addr: string): boolean => recipientKey(addr) === recipientKey(supportAddress);
