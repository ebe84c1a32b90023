import { describe, expect, it } from 'vitest';
import type { MailboxState } from '../../src/ingest/mailbox.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, stopDovecotHard, waitFor } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, tickets } from '../support/ticketd.js';

// The long-running daemon in-process: IDLE wakes it, and it survives the server going away.

const dovecot = useDovecot();

describe('daemon', () => {
  it('picks up new mail through IDLE, survives Dovecot being stopped and started, and stops on request', async () => {
    const { user, dir } = freshUser('daemon');
    // A poll interval far beyond the test: only IDLE (or a reconnect) can bring the mail in.
    const config = configFor(dir, user, dovecot, { mailbox: { poll_seconds: 600 } });
    const stop = new AbortController();
    const states: MailboxState[] = [];
    const running = runDaemon(config, { once: false, log: quiet, parts: [], signal: stop.signal, onMailboxState: (s) => void states.push(s) });
    try {
      await appendMail(dovecot, user, [clientMail({ subject: 'Refund for order 1' }).raw]);
      await waitFor('first ticket', () => tickets(config).length === 1);

      const before = states.length;
      stopDovecotHard(dovecot);
      await waitFor('the daemon to notice', () => states.slice(before).includes('backoff'));
      dovecot.restart();
      await appendMail(dovecot, user, [clientMail({ subject: 'Website down again' }).raw]);
      await waitFor('ticket after the restart', () => tickets(config).length === 2, 30_000);
      expect(tickets(config).map((t) => t.key)).toEqual(['REF-1000', 'TEC-1001']);
    } finally {
      stop.abort();
      await running;
    }
  });

  it('Dovecot dropping in the middle of a large batch loses nothing and repeats nothing once it is back', async () => {
    const { user, dir } = freshUser('drop');
    const N = 300;
    // ~20 kB each, so fetching a batch of 100 takes a while and the drop can land inside it.
    const filler = 'Order lines and details of the problem follow.\n'.repeat(400);
    const subjects = Array.from({ length: N }, (_, i) => `Refund for order ${i}`);
    await appendMail(dovecot, user, subjects.map((subject) => clientMail({ subject, body: filler }).raw));
    const config = configFor(dir, user, dovecot, { parse_workers: 2, mailbox: { poll_seconds: 1, batch_size: 100 } });
    const stop = new AbortController();
    const states: MailboxState[] = [];
    const running = runDaemon(config, { once: false, log: quiet, parts: [], signal: stop.signal, onMailboxState: (s) => void states.push(s) });
    let atDrop = 0;
    try {
      await waitFor('the first ticket', () => tickets(config).length >= 1, 60_000, 5);
      stopDovecotHard(dovecot);
      atDrop = tickets(config).length;
      await waitFor('the daemon to notice', () => states.includes('backoff'), 30_000);
      dovecot.restart();
      await waitFor('every ticket', () => tickets(config).length >= N, 120_000, 100);
    } finally {
      stop.abort();
      await running;
    }
    // The drop landed inside the first batch, while the pass fetches the second one beside
    // its commits (ingest-pass.ts starts that fetch before the first commit).
    expect(atDrop).toBeGreaterThan(0);
    expect(atDrop).toBeLessThan(100);
    const all = tickets(config);
    expect(all).toHaveLength(N);
    expect(new Set(all.map((t) => t.subject))).toEqual(new Set(subjects));
    const rows = journal(config);
    expect(rows.map((r) => r.uid)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(rows.filter((r) => r.outcome !== 'created')).toEqual([]);
  }, 240_000);
});

