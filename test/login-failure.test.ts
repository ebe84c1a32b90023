import { describe, expect, it } from 'vitest';
import { imapLoginFailure, smtpLoginFailure } from '../src/login-failure.js';
import { loginBackoff, nextDelayMs } from '../src/ingest/backoff.js';

const mailbox = { host: 'imap.example.com', port: 993, user: 'support@example.com' } as Parameters<typeof imapLoginFailure>[0];
const smtp = { host: 'smtp.example.com', port: 587, user: 'support@example.com' } as Parameters<typeof smtpLoginFailure>[0];

describe('login failures', () => {
  it('names a refused IMAP login with the server, the user and what to check', () => {
    const err = Object.assign(new Error('Command failed'), { authenticationFailed: true, responseText: 'Authentication failed.' });
    expect(imapLoginFailure(mailbox, err)?.message).toBe(
      'IMAP login failed for support@example.com at imap.example.com:993 (the server said: Authentication failed.): check mailbox.user/password',
    );
    expect(imapLoginFailure(mailbox, new Error('Command failed'))).toBeNull();
    expect(imapLoginFailure(mailbox, Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeNull();
  });

  it('names a refused SMTP login (EAUTH) and nothing else', () => {
    const err = Object.assign(new Error('Invalid login'), { code: 'EAUTH', response: '535 5.7.8 Error: authentication failed', responseCode: 535 });
    expect(smtpLoginFailure(smtp, err)?.message).toBe(
      'SMTP login failed for support@example.com at smtp.example.com:587 (the server said: 535 5.7.8 Error: authentication failed): check smtp.user/password',
    );
    expect(smtpLoginFailure(smtp, Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBeNull();
  });

  it('waits a minute or more after a refused login, doubling up to 15 minutes', () => {
    expect(nextDelayMs(0, loginBackoff, () => 1)).toBe(48_000);
    expect(nextDelayMs(0, loginBackoff, () => 0)).toBe(60_000);
    expect(nextDelayMs(3, loginBackoff, () => 0)).toBe(480_000);
    expect(nextDelayMs(10, loginBackoff, () => 0)).toBe(900_000);
  });
});
