import emailAddresses from 'email-addresses';
import addressparser from 'nodemailer/lib/addressparser/index.js';

// Who one outgoing row may go to. A row goes to exactly one bare mailbox: anything that could
// make SMTP (or a person reading the To line) see more than one address, or a name we did not
// write, is refused before the row is written. Pure: no database, no config.

// A DNS name: labels of letters, digits and inner hyphens (RFC 5322 atoms also allow `_`,
// `!`, `#`… in a domain, which no mail host has).
const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

// Checked for every row written and sent; staff and repeat clients come back often, and a
// grammar parse costs about 50 µs. Bounded: cleared when full.
const seen = new Map<string, string | null>();
const SEEN_MAX = 1000;

/** Why `to` is not exactly one bare, syntactically valid mailbox; null when it is. */
export function mailboxProblem(to: string): string | null {
  const known = seen.get(to);
  if (known !== undefined) return known;
  const problem = check(to);
  if (to.length <= 254) {
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(to, problem);
  }
  return problem;
}

// The common case, decided without the grammar: ASCII dot-atom local part (a subset of RFC
// 5322 atext) at a host name of two or more labels. Anything else takes the full parse.
const PLAIN = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function check(to: string): string | null {
  if (to.length <= 254 && PLAIN.test(to)) return null;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(to)) return 'contains a line break or control character';
  // The grammar of RFC 5322 (with UTF-8, RFC 6532), strictly: no obsolete forms.
  const one = emailAddresses.parseOneAddress({ input: to, rfc6532: true, rejectTLD: true, strict: true, startAt: 'mailbox' });
  const mailbox = one?.type === 'mailbox' ? one : null;
  const domainOk = !!mailbox && mailbox.domain.split('.').every((l) => label.test(l));
  if (mailbox && mailbox.name === null && mailbox.address === to && domainOk) return null;
  // Not one bare mailbox; say why. First what nodemailer itself would make of it: how many
  // recipients this text could become.
  const parts = addressparser(to);
  if (parts.length > 1) return `lists ${addressparser(to, { flatten: true }).length} addresses`;
  const first = parts[0];
  if (first && 'group' in first) return `is a group (${first.group?.length ?? 0} addresses)`;
  if (/\s/u.test(to)) return 'contains spaces';
  if (!mailbox) return 'is not a valid address';
  if (mailbox.name !== null) return 'carries a display name';
  // Angle brackets, comments and quoted local parts parse to a different address string.
  if (mailbox.address !== to) return 'is not a bare address (brackets, comment or quotes)';
  return 'has no valid domain name';
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
