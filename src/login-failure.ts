import type { Config } from './config/schema.js';
import { TicketdError } from './errors.js';

// A wrong user or password is the operator's to fix: no retry succeeds until they do. So it
// is named as such at error level (not "Command failed" as a warning), and tried again only
// rarely (loginBackoff in src/ingest/backoff.ts): servers lock out or slow down an account
// that keeps failing to log in, which would outlast the fix.

export class LoginFailedError extends TicketdError {
  constructor(code: 'MAILBOX' | 'SMTP', message: string, cause: unknown) {
    super(code, message, { cause });
    this.name = 'LoginFailedError';
  }
}

/** The server's own words, when it gave any. */
function serverSaid(e: { responseText?: unknown; response?: unknown }): string {
  const text = typeof e.responseText === 'string' ? e.responseText : typeof e.response === 'string' ? e.response : '';
  return text ? ` (the server said: ${text.trim().slice(0, 200)})` : '';
}

/** imapflow's connect failure when LOGIN/AUTHENTICATE was refused, else null. */
export function imapLoginFailure(m: Config['mailbox'], err: unknown): LoginFailedError | null {
  const e = err as { authenticationFailed?: unknown; responseText?: unknown } | null;
  if (!e?.authenticationFailed) return null;
  return new LoginFailedError('MAILBOX', `IMAP login failed for ${m.user} at ${m.host}:${m.port}${serverSaid(e)}: check mailbox.user/password`, err);
}

/** nodemailer's failure when AUTH was refused (EAUTH), else null. */
export function smtpLoginFailure(s: NonNullable<Config['smtp']>, err: unknown): LoginFailedError | null {
  const e = err as { code?: unknown; response?: unknown } | null;
  if (e?.code !== 'EAUTH') return null;
  return new LoginFailedError('SMTP', `SMTP login failed for ${s.user ?? '(no user)'} at ${s.host}:${s.port}${serverSaid(e)}: check smtp.user/password`, err);
}
