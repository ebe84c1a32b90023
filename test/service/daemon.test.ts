import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxState } from '../../src/ingest/mailbox.js';
import { runDaemon } from '../../src/service/daemon.js';
import { removeDovecotDir, startDovecot, type RunningDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, stopDovecotHard, waitFor } from '../support/mailbox.js';
import { configFor, freshUser, quiet, tickets } from '../support/ticketd.js';

// The long-running daemon in-process: IDLE wakes it, and it survives the server going away.

let dovecot: RunningDovecot;
beforeAll(() => {
  dovecot = startDovecot();
});
afterAll(() => {
  dovecot?.stop();
  if (dovecot) removeDovecotDir(dovecot);
});

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
});
