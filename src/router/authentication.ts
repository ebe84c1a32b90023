import type { Config } from '../config/schema.js';
import { parseAuthResults, type AuthResult } from './auth-results.js';
import { domainOf } from './mail-fields.js';
import type { Authentication, Mail } from './types.js';

// What our receiving server found out about the From domain, read from its own
// Authentication-Results. Which headers are its own: the topmost run of adjacent
// Authentication-Results lines that carries a trusted authserv-id. A receiving server (and its
// milters) prepends its results above everything the sender wrote, and above its own Received
// line, so a header a forger wrote with our id sits lower, apart from that run. This relies on
// the server always writing its results and removing (or renaming) incoming ones that carry its
// id (RFC 8601 §5), as Postfix/Dovecot setups with OpenDMARC or rspamd are configured to do.

/** `a` and `b` are the same domain or one is a subdomain of the other (relaxed, without a public suffix list). */
function aligned(a: string, b: string): boolean {
  if (!a || !b || !a.includes('.') || !b.includes('.')) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

const show = (r: AuthResult, prop: string): string => `${r.method}=${r.result}${r.props[prop] ? ` ${prop}=${r.props[prop]}` : ''}`;

const bareDomain = (d: string): string => d.trim().toLowerCase().replace(/\.$/, '');

function verdict(results: AuthResult[], fromDomain: string, require: 'dmarc' | 'aligned'): { passed: boolean; failed: boolean; detail: string } {
  const dmarc = results.filter((r) => r.method === 'dmarc');
  // A DMARC result about another From domain, or one that does not say which, says nothing
  // about this one.
  const ours = dmarc.filter((r) => bareDomain(r.props['header.from'] ?? '') === fromDomain);
  // Our server saw this From domain's policy fail: the From is forged.
  const failed = ours.some((r) => r.result === 'fail');
  // dmarc=none: the domain publishes no policy; "aligned" then looks at SPF and DKIM.
  const notPass = ours.find((r) => r.result !== 'pass' && !(require === 'aligned' && r.result === 'none'));
  if (notPass) return { passed: false, failed, detail: show(notPass, 'header.from') };
  const pass = ours.find((r) => r.result === 'pass');
  if (pass) return { passed: true, failed, detail: show(pass, 'header.from') };
  if (require === 'aligned') {
    const spf = results.find((r) => r.method === 'spf' && r.result === 'pass' && aligned(domainOf(r.props['smtp.mailfrom'] ?? ''), fromDomain));
    if (spf) return { passed: true, failed, detail: `${show(spf, 'smtp.mailfrom')} (aligned with ${fromDomain})` };
    const dkim = results.find((r) => r.method === 'dkim' && r.result === 'pass' && aligned((r.props['header.d'] ?? '').toLowerCase(), fromDomain));
    if (dkim) return { passed: true, failed, detail: `${show(dkim, 'header.d')} (aligned with ${fromDomain})` };
    return { passed: false, failed, detail: `no DMARC result and no SPF or DKIM pass aligned with ${fromDomain}` };
  }
  return { passed: false, failed, detail: dmarc.length ? `no DMARC result for ${fromDomain}` : 'no DMARC result' };
}

/** Null when no authserv-id is trusted: authentication is then not consulted at all. */
export function judgeAuthentication(mail: Readonly<Mail>, mailAuth: Config['mail_auth']): Authentication | null {
  const trusted = new Set(mailAuth.trusted_authserv_ids.map((id) => id.toLowerCase()));
  if (!trusted.size) return null;
  for (const run of mail.authResults) {
    // Ours by the first token, read before parsing: a header of ours that does not parse (a
    // sender's ")" in a comment) must end the search here as a refusal, never let a forged
    // header further down be read instead.
    const ids = run.map((raw) => /^[^\s;(]+/.exec(raw)?.[0]?.toLowerCase() ?? '');
    const authservId = ids.find((id) => trusted.has(id));
    if (!authservId) continue;
    const parsed = run.map(parseAuthResults);
    // An unreadable header in our own run could hold a failure: refuse rather than guess.
    if (parsed.some((h) => h === null)) return { passed: false, failed: false, authservId, detail: `unreadable Authentication-Results from ${authservId}` };
    const results = parsed.filter((h) => trusted.has(h!.authservId)).flatMap((h) => h!.results);
    const fromDomain = bareDomain(domainOf(mail.from?.address ?? ''));
    return { authservId, ...verdict(results, fromDomain, mailAuth.require) };
  }
  return { passed: false, failed: false, authservId: null, detail: `no Authentication-Results from ${[...trusted].join(', ')}` };
}
