import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reprocess } from '../../src/service/reprocess.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder, withImap } from '../support/mailbox.js';
import { configFor, freshUser, journal, quiet, readDb, runOnce, tickets } from '../support/ticketd.js';
import { runDaemon } from '../../src/service/daemon.js';
import { BlobStore } from '../../src/ingest/blob-store.js';
import { fetchSources, folderKey } from '../../src/ingest/mailbox.js';
import { journalStore } from '../../src/store/journal.js';
import type { TicketChange } from '../../src/tickets/changes.js';

// Odd mailbox situations: a re-created folder, processed_folder mode, bad input, a crash
// between commit and mark, and replaying failed mail.

const dovecot = useDovecot();

describe('ingest edge cases through Dovecot', () => {
  it('a new UIDVALIDITY (folder deleted and re-created with the same mail) creates no duplicates', async () => {
    const { user, dir } = freshUser('uidv');
    const config = configFor(dir, user, dovecot, { mailbox: { folder: 'Support' } });
    const mails = [clientMail({ subject: 'Refund for order 1' }).raw, clientMail({ subject: 'Website login error' }).raw];
    await appendMail(dovecot, user, mails, { folder: 'Support' });
    await runOnce(config);
    const uidvBefore = journal(config)[0]!.uidvalidity;
    // Dovecot's UIDVALIDITY is the creation time in seconds: re-create until it differs.
    await withImap(dovecot, user, async (c) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        await c.mailboxDelete('Support');
        await c.mailboxCreate('Support');
        const status = await c.status('Support', { uidValidity: true });
        if (status && Number(status.uidValidity) !== uidvBefore) break;
        if (Date.now() > deadline) throw new Error('UIDVALIDITY did not change');
      }
    });
    const added = clientMail({ subject: 'Invoice question' }).raw;
    await appendMail(dovecot, user, [...mails, added], { folder: 'Support' });
    await runOnce(config);
    const rows = journal(config);
    expect(rows[2]!.uidvalidity).not.toBe(uidvBefore);
    expect(tickets(config).map((t) => t.key)).toEqual(['REF-1000', 'TEC-1001', 'BIL-1002']);
    expect(rows.map((r) => [r.outcome, r.reason])).toEqual([
      ['created', null],
      ['created', null],
      ['ignored', `duplicate of journal #${rows[0]!.id}`],
      ['ignored', `duplicate of journal #${rows[1]!.id}`],
      ['created', null],
    ]);
  });

  it('processed_folder mode moves processed mail out of the inbox', async () => {
    const { user, dir } = freshUser('move');
    const config = configFor(dir, user, dovecot, { mailbox: { processed_folder: 'Processed' } });
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund please' }).raw, clientMail({ subject: 'Hello' }).raw]);
    await runOnce(config);
    expect(await listFolder(dovecot, user)).toEqual([]);
    expect((await listFolder(dovecot, user, 'Processed')).map((m) => m.subject)).toEqual(['Refund please', 'Hello']);
    expect(journal(config).map((r) => [r.outcome, r.server_marked])).toEqual([['created', 1], ['created', 1]]);
    // A crash after the MOVE but before the journal noted it: the next pass finds the UIDs
    // gone, counts them as marked and changes nothing else.
    readDb(config, (db) => db.prepare('UPDATE journal SET server_marked = 0').run());
    await runOnce(config);
    expect(journal(config).map((r) => [r.outcome, r.server_marked])).toEqual([['created', 1], ['created', 1]]);
    expect(tickets(config)).toHaveLength(2);
  });

  it('malformed MIME, an unknown charset, a 30 MB attachment and an empty message are ticketed or journaled with a reason', async () => {
    const { user, dir } = freshUser('bad');
    const config = configFor(dir, user, dovecot);
    const noBoundary = [
      'From: Ann <ann@client.example>',
      'Subject: Broken multipart refund',
      'Message-ID: <nob@client.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed',
      '',
      '--XYZ',
      'Content-Type: text/plain',
      '',
      'Please refund.',
      '--XYZ--',
      '',
    ].join('\r\n');
    const unknownCharset = Buffer.concat([
      Buffer.from('From: Bo <bo@client.example>\r\nSubject: Website error\r\nMessage-ID: <cs@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-klingon-9\r\n\r\nThe site says: '),
      Buffer.from([0xe9, 0xe8, 0xff, 0x80]),
      Buffer.from('\r\n'),
    ]);
    const big = randomBytes(30 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
    const huge = [
      'From: Cy <cy@client.example>',
      'Subject: Invoice scans attached',
      'Message-ID: <big@client.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Scans attached.',
      '--b1',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="../../scans.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      big,
      '--b1--',
      '',
    ].join('\r\n');
    await appendMail(dovecot, user, [Buffer.from(noBoundary), unknownCharset, Buffer.from(huge), Buffer.from('\r\n\r\n')]);
    await runOnce(config);
    const rows = journal(config);
    expect(rows.map((r) => r.outcome)).toEqual(['created', 'created', 'created', 'failed']);
    expect(rows[3]!.reason).toMatch(/parse failed: empty message/);
    expect(tickets(config).map((t) => t.type_id)).toEqual(['refund', 'tech', 'billing']);
    const att = readDb(config, (db) => db.prepare('SELECT filename, sha256, path, note FROM attachments').all()) as Record<string, string | null>[];
    expect(att).toHaveLength(1);
    expect(att[0]!.filename).not.toContain('/');
    expect(att[0]!.path).toBeNull();
    expect(att[0]!.note).toMatch(/over the .*cap/);
    const text = readDb(config, (db) => db.prepare(`SELECT body_text FROM messages ORDER BY id`).all()) as { body_text: string }[];
    expect(text[0]!.body_text).toContain('Please refund.');
    expect(text[1]!.body_text).toContain('The site says');
  });

  it('after a crash between commit and mark, the next pass marks the mail without applying it again', async () => {
    const { user, dir } = freshUser('remark');
    const config = configFor(dir, user, dovecot);
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund please' }).raw]);
    await runOnce(config);
    // Put the mailbox and the journal back as if the process died right after the commit.
    await withImap(dovecot, user, async (c) => {
      const lock = await c.getMailboxLock('INBOX');
      try {
        await c.messageFlagsRemove('1:*', ['\\Seen']);
      } finally {
        lock.release();
      }
    });
    readDb(config, (db) => db.prepare('UPDATE journal SET server_marked = 0').run());
    await runOnce(config);
    expect((await listFolder(dovecot, user)).map((m) => m.seen)).toEqual([true]);
    expect(journal(config).map((r) => [r.outcome, r.server_marked])).toEqual([['created', 1]]);
    expect(tickets(config)).toHaveLength(1);
  });

  it('a message that fails to apply is journaled failed, the pass goes on, and reprocess replays it on the same row', async () => {
    const { user, dir } = freshUser('replay');
    const config = configFor(dir, user, dovecot);
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund please' }).raw, clientMail({ subject: 'Website down' }).raw]);
    // Fails for the refund mail every time: a group commit that holds it is redone one
    // message at a time, where only that message ends failed.
    const flaky = {
      name: 'flaky',
      hooks: [(_db: unknown, change: TicketChange): void => { if ('ticket' in change && change.ticket.subject === 'Refund please') throw new Error('outbox unavailable'); }],
    };
    await runDaemon(config, { once: true, log: quiet, parts: [flaky] });
    let rows = journal(config);
    expect(rows.map((r) => [r.outcome, r.reason])).toEqual([['failed', 'not applied: outbox unavailable'], ['created', null]]);
    expect(tickets(config).map((t) => t.key)).toEqual(['TEC-1000']);

    await expect(reprocess(config, { id: rows[1]!.id }, { log: quiet, hooks: [] })).rejects.toThrow(/already applied/);
    const replayed = await reprocess(config, { failed: true }, { log: quiet, hooks: [] });
    expect(replayed).toEqual([{ journalId: rows[0]!.id, before: 'failed', after: 'created', reason: null, ticketKey: 'REF-1001' }]);
    rows = journal(config);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.outcome).toBe('created');
    // Replaying again finds nothing failed, and the ticket stays single.
    expect(await reprocess(config, { failed: true }, { log: quiet, hooks: [] })).toEqual([]);
    expect(tickets(config)).toHaveLength(2);
  });
});

describe('a journaled message that disappears before it is decided', () => {
  it('is decided from its stored bytes on the next pass (kill -9 after the journal commit, then a person deletes it)', async () => {
    const { user, dir } = freshUser('gone');
    const config = configFor(dir, user, dovecot);
    const subjects = ['Refund for order 1', 'Refund for order 2', 'Refund for order 3', 'Refund for order 4'];
    await appendMail(dovecot, user, subjects.map((subject) => clientMail({ subject }).raw));
    // What journalFirst commits before the process dies: raw bytes stored, rows without outcome.
    await withImap(dovecot, user, async (c) => {
      const lock = await c.getMailboxLock('INBOX');
      try {
        const uidValidity = Number(c.mailbox && c.mailbox.uidValidity);
        const fetched = await fetchSources(c, [1, 2, 3, 4]);
        const blobs = new BlobStore(config.data_dir);
        readDb(config, (db) => {
          for (const { uid, source } of fetched) {
            const blob = blobs.put('raw', source);
            journalStore(db).record({ mailbox: folderKey(config.mailbox), uidvalidity: uidValidity, uid, messageId: null, sha256: blob.sha256, rawPath: blob.path, size: blob.size });
          }
        });
        // Meanwhile a person deletes UID 2, and UID 4, the top one.
        await c.messageDelete('2,4', { uid: true });
      } finally {
        lock.release();
      }
    });
    await runOnce(config);
    const rows = journal(config);
    expect(rows.map((r) => [r.uid, r.outcome, r.subject])).toEqual([
      [1, 'created', subjects[0]],
      [2, 'created', subjects[1]],
      [3, 'created', subjects[2]],
      [4, 'created', subjects[3]],
    ]);
    expect(tickets(config)).toHaveLength(4);
    // A second pass finds nothing left to do.
    const before = journal(config);
    await runOnce(config);
    expect(journal(config)).toEqual(before);
  });
});
