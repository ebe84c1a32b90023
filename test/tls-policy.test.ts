import { describe, expect, it } from 'vitest';
import {
  imapStartTls,
  imapTlsRefusal,
  isLoopbackHost,
  plaintextWarnings,
  smtpStartTls,
  smtpTlsRefusal,
} from '../src/tls-policy.js';
import { outboxConfig } from './support/outbox-config.js';

const mailbox = (over: Record<string, unknown> = {}) =>
  outboxConfig({ mailbox: { host: 'imap.agency.example', port: 143, user: 'support', password: 'x', ...over } }).mailbox;
const smtp = (over: Record<string, unknown> = {}) =>
  outboxConfig({ smtp: { host: 'smtp.agency.example', port: 587, from: 'support@agency.example', ...over } }).smtp!;

describe('STARTTLS policy handed to imapflow and nodemailer', () => {
  it('requires STARTTLS by default, leaves direct TLS alone, and is opportunistic only with allow_plaintext', () => {
    expect(imapStartTls(mailbox())).toEqual({ doSTARTTLS: true });
    // imapflow rejects secure together with doSTARTTLS.
    expect(imapStartTls(mailbox({ secure: true, port: 993 }))).toEqual({});
    expect(imapStartTls(mailbox({ allow_plaintext: true }))).toEqual({});
    expect(smtpStartTls(smtp())).toEqual({ requireTLS: true });
    expect(smtpStartTls(smtp({ secure: true, port: 465 }))).toEqual({});
    expect(smtpStartTls(smtp({ allow_plaintext: true }))).toEqual({});
  });
});

describe('refusal errors', () => {
  it('names the missing STARTTLS offer and the key that would allow plaintext', () => {
    const e = imapTlsRefusal(mailbox(), Object.assign(new Error('Server does not support STARTTLS'), { tlsFailed: true }));
    expect(e?.code).toBe('MAILBOX');
    expect(e?.message).toBe(
      'mailbox: the server imap.agency.example:143 does not offer STARTTLS; refusing to send the password in plaintext ' +
        '(set mailbox.allow_plaintext: true only for a trusted loopback server)',
    );
    const s = smtpTlsRefusal(smtp(), Object.assign(new Error('Error upgrading connection with STARTTLS'), { code: 'ETLS', response: '502 5.5.1 Unrecognized command' }));
    expect(s?.code).toBe('SMTP');
    expect(s?.message).toContain('smtp: the server smtp.agency.example:587 does not offer STARTTLS (it answered "502 5.5.1 Unrecognized command")');
  });

  it('says a failed handshake is a failed handshake', () => {
    const e = imapTlsRefusal(mailbox(), Object.assign(new Error('self-signed certificate'), { tlsFailed: true }));
    expect(e?.message).toContain('STARTTLS with imap.agency.example:143 failed (self-signed certificate)');
    const s = smtpTlsRefusal(smtp(), Object.assign(new Error('Error initiating TLS - self-signed certificate'), { code: 'ETLS', response: false }));
    expect(s?.message).toContain('STARTTLS with smtp.agency.example:587 failed (Error initiating TLS - self-signed certificate)');
  });

  it('leaves other errors (and plaintext the config allowed) as they are', () => {
    expect(imapTlsRefusal(mailbox(), new Error('Authentication failed'))).toBeNull();
    expect(imapTlsRefusal(mailbox({ allow_plaintext: true }), Object.assign(new Error('x'), { tlsFailed: true }))).toBeNull();
    expect(smtpTlsRefusal(smtp(), Object.assign(new Error('Invalid login'), { code: 'EAUTH' }))).toBeNull();
    expect(smtpTlsRefusal(smtp({ allow_plaintext: true }), Object.assign(new Error('x'), { code: 'ETLS' }))).toBeNull();
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.agency.example', false],
    ['imap.agency.example', false],
    ['::2', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('plaintextWarnings', () => {
  it('warns for allow_plaintext towards a remote host, not for loopback, secure, or the default', () => {
    const remote = outboxConfig({
      mailbox: { host: 'imap.agency.example', port: 143, user: 'support', password: 'x', allow_plaintext: true },
      smtp: { host: 'smtp.agency.example', port: 587, from: 'support@agency.example', allow_plaintext: true },
    });
    expect(plaintextWarnings(remote)).toEqual([
      'mailbox.allow_plaintext is true for imap.agency.example, which is not a loopback address: the password and mail may cross the network unencrypted',
      'smtp.allow_plaintext is true for smtp.agency.example, which is not a loopback address: the password and mail may cross the network unencrypted',
    ]);
    expect(plaintextWarnings(outboxConfig())).toEqual([]); // loopback test servers
    const strict = outboxConfig({
      mailbox: { host: 'imap.agency.example', port: 993, secure: true, user: 'support', password: 'x', allow_plaintext: true },
      smtp: { host: 'smtp.agency.example', port: 587, from: 'support@agency.example' },
    });
    expect(plaintextWarnings(strict)).toEqual([]);
  });
});
