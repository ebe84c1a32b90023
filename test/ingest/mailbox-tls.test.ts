import { describe, expect, it } from 'vitest';
import { watchMailbox, type MailboxState } from '../../src/ingest/mailbox.js';
import { testConfig } from '../support/config.js';
import { useDovecot } from '../support/dovecot.js';
import { waitFor } from '../support/mailbox.js';
import { freshUser } from '../support/ticketd.js';
import { captureLog } from '../support/log-lines.js';

// The daemon's mailbox loop against a server without STARTTLS (the private Dovecot, ssl = no):
// it keeps retrying with backoff, but every attempt is an error-level line saying why.

const dovecot = useDovecot();

describe('watchMailbox without allow_plaintext', () => {
  it('never reads the folder, and logs each refused attempt at error level with the reason', async () => {
    const { user, dir } = freshUser('tlswatch');
    const config = testConfig(dir, user, dovecot, { mailbox: { allow_plaintext: false } });
    const { log, lines } = captureLog();
    const states: MailboxState[] = [];
    const stop = new AbortController();
    let reads = 0;
    const running = watchMailbox({
      settings: config.mailbox,
      log,
      read: async () => void reads++,
      signal: stop.signal,
      backoff: { baseMs: 10, maxMs: 20, jitter: 0 },
      onState: (s) => void states.push(s),
    });
    try {
      await waitFor('two refused attempts', () => states.filter((s) => s === 'backoff').length >= 2);
    } finally {
      stop.abort();
      await running;
    }
    expect(reads).toBe(0);
    const refusals = lines().filter((l) => String(l.msg).includes('does not offer STARTTLS; refusing to send the password in plaintext'));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.every((l) => l.level === 50)).toBe(true);
  });
});
