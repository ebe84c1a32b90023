import { isIP } from 'node:net';
import type { Config } from './config/schema.js';
import { TicketdError } from './errors.js';

// Never log in (or send mail) in plaintext by accident. A server's STARTTLS offer arrives in
// cleartext, so anyone on the path can strip it; opportunistic TLS would then hand over the
// password. Without `secure`, TLS is therefore required unless the config says
// `allow_plaintext: true` (meant for a trusted loopback server such as the demo's Dovecot).

type Mailbox = Config['mailbox'];
type Smtp = NonNullable<Config['smtp']>;

/** imapflow's STARTTLS policy: required (true), or its opportunistic default (undefined). */
export function imapStartTls(m: Mailbox): { doSTARTTLS?: true } {
  return m.secure || m.allow_plaintext ? {} : { doSTARTTLS: true };
}

/** nodemailer's STARTTLS policy: required, or its opportunistic default. */
export function smtpStartTls(s: Smtp): { requireTLS?: true } {
  return s.secure || s.allow_plaintext ? {} : { requireTLS: true };
}

/** TLS was required and could not be had: nothing was authenticated or sent. */
export class PlaintextRefusedError extends TicketdError {
  constructor(code: 'MAILBOX' | 'SMTP', message: string, cause: unknown) {
    super(code, message, { cause });
    this.name = 'PlaintextRefusedError';
  }
}

const advice = (key: string) => `set ${key}.allow_plaintext: true only for a trusted loopback server`;

/** The clear error for an imapflow connect failure caused by the required STARTTLS, else null. */
export function imapTlsRefusal(m: Mailbox, err: unknown): PlaintextRefusedError | null {
  const e = err as { tlsFailed?: unknown; message?: unknown } | null;
  if (m.secure || m.allow_plaintext || !e?.tlsFailed) return null;
  const where = `${m.host}:${m.port}`;
  const what =
    e.message === 'Server does not support STARTTLS'
      ? `the server ${where} does not offer STARTTLS`
      : `STARTTLS with ${where} failed (${String(e.message)})`;
  return new PlaintextRefusedError('MAILBOX', `mailbox: ${what}; refusing to send the password in plaintext (${advice('mailbox')})`, err);
}

/** The clear error for a nodemailer failure caused by the required STARTTLS, else null. */
export function smtpTlsRefusal(s: Smtp, err: unknown): PlaintextRefusedError | null {
  const e = err as { code?: unknown; response?: unknown; message?: unknown } | null;
  if (s.secure || s.allow_plaintext || e?.code !== 'ETLS') return null;
  const where = `${s.host}:${s.port}`;
  // A reply means the server refused the STARTTLS command; none means the handshake failed.
  const what =
    typeof e.response === 'string' && e.response
      ? `the server ${where} does not offer STARTTLS (it answered "${e.response}")`
      : `STARTTLS with ${where} failed (${String(e.message)})`;
  return new PlaintextRefusedError('SMTP', `smtp: ${what}; refusing to log in or send mail in plaintext (${advice('smtp')})`, err);
}

/** localhost, 127.0.0.0/8, ::1 (also IPv4-mapped): traffic that never leaves the machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h);
}

/** check-config's warnings: plaintext allowed towards a server that is not on this machine. */
export function plaintextWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const check = (key: string, s: { host: string; secure: boolean; allow_plaintext: boolean }) => {
    if (s.allow_plaintext && !s.secure && !isLoopbackHost(s.host))
      warnings.push(`${key}.allow_plaintext is true for ${s.host}, which is not a loopback address: the password and mail may cross the network unencrypted`);
  };
  check('mailbox', config.mailbox);
  if (config.smtp) check('smtp', config.smtp);
  return warnings;
}
