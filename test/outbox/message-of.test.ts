import { describe, expect, it } from 'vitest';
import { messageOf } from '../../src/outbox/deliver.js';
import type { OutboxRow } from '../../src/store/outbox.js';
import { outboxConfig } from '../support/outbox-config.js';

// The attachments of an outgoing mail: names and types come from whoever sent them to us (a
// client's files forwarded to the assignee), so only a plain type/subtype reaches our header.

const row: OutboxRow = {
  id: 1, ticketId: 1, journalId: null, kind: 'forward', toAddr: 'joe@agency.example', recipientKey: 'joe@agency.example', audience: 'staff',
  subject: '[TEC-1000] x', messageId: 'm1@agency.example', inReplyTo: null, refs: [], headers: {}, text: 'x', html: null,
  status: 'pending', attempts: 0, nextAttemptAt: '2026-01-01T00:00:00.000Z', sentAt: null, claimedAt: null, claimedBy: null,
  lastError: null, createdAt: '2026-01-01T00:00:00.000Z',
};

describe('the attachments of an outgoing mail', () => {
  it('keep a plain content type and replace anything else with application/octet-stream', () => {
    const config = outboxConfig();
    const files = [
      { filename: 'log.txt', contentType: 'text/plain', path: 'attachments/aa/1' },
      { filename: 'x.html', contentType: 'text/html; charset="x"\r\nBcc: victim@example.com', path: 'attachments/aa/2' },
      { filename: 'y.bin', contentType: 'application', path: 'attachments/aa/3' },
    ];
    const mail = messageOf(config, row, files);
    expect((mail.attachments ?? []).map((a) => [a.filename, a.contentType])).toEqual([
      ['log.txt', 'text/plain'],
      ['x.html', 'application/octet-stream'],
      ['y.bin', 'application/octet-stream'],
    ]);
  });
});
