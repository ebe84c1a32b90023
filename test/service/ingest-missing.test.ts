import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/ingest/blob-store.js';
import { createParsePool } from '../../src/ingest/parse-pool.js';
import { ingestFolder, type PassContext } from '../../src/service/ingest-pass.js';
import { checkpointStore } from '../../src/store/checkpoints.js';
import { openDb } from '../../src/store/db.js';
import { createLookup } from '../../src/store/lookup.js';
import { testConfig } from '../support/config.js';
import { clientMail } from '../support/emails.js';
import { quiet } from '../support/ticketd.js';

// A listed UID whose FETCH comes back without a body (expunged between LIST and FETCH, or a
// server hiccup) must not be skipped for good: the checkpoint stays below it. Dovecot cannot
// be made to do that on cue, so a small fake stands in for the IMAP client.

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-missing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Just what the pass uses: listing, fetching sources, flagging \Seen. */
function fakeClient(mails: Map<number, Buffer>, noBody: Set<number>) {
  const uidsOf = (range: string): number[] => {
    const all = [...mails.keys()].sort((a, b) => a - b);
    const out: number[] = [];
    for (const part of range.split(',')) {
      const [lo, hi] = part.split(':');
      const from = Number(lo);
      const to = hi === undefined ? from : hi === '*' ? Infinity : Number(hi);
      out.push(...all.filter((u) => u >= from && u <= to));
    }
    return out;
  };
  return {
    mailbox: { exists: mails.size },
    usable: true,
    async fetchAll(range: string, query: { source?: boolean }) {
      return uidsOf(range).map((uid) =>
        query.source ? { uid, source: noBody.has(uid) ? undefined : mails.get(uid) } : { uid, size: mails.get(uid)!.length },
      );
    },
    async messageFlagsAdd() {
      return true;
    },
  };
}

describe('ingest pass, a listed message without a body', () => {
  it('is logged, the checkpoint stays below it, and the next pass takes it without repeating the others', async () => {
    const config = testConfig(dir);
    const db = openDb(config.database);
    const pool = createParsePool({ size: 0, dataDir: config.data_dir, attachmentMaxBytes: config.limits.attachment_max_bytes });
    const warnings: unknown[] = [];
    const log = Object.assign(Object.create(quiet) as typeof quiet, {
      child: () => log,
      warn: (obj: unknown) => void warnings.push(obj),
    });
    const ctx: PassContext = { db, config, hooks: [], blobs: new BlobStore(config.data_dir), lookup: createLookup(db), log, pool };
    const mails = new Map([1, 2, 3, 4].map((uid) => [uid, Buffer.from(clientMail({ subject: `Refund for order ${uid}` }).raw.replace(/\r?\n/g, '\r\n'))]));
    const folder = (noBody: Set<number>) => ({
      client: fakeClient(mails, noBody) as unknown as ImapFlow,
      key: 'support@fake/INBOX',
      folder: 'INBOX',
      uidValidity: 7,
      uidNext: 5,
      idle: false,
    });
    const ticketsBy = () => (db.prepare('SELECT subject FROM tickets ORDER BY id').all() as { subject: string }[]).map((t) => t.subject);
    try {
      const first = await ingestFolder(ctx, folder(new Set([2])));
      expect(first.created).toBe(3);
      expect(warnings).toContainEqual({ uid: 2 });
      expect(checkpointStore(db).get('support@fake/INBOX')).toEqual({ uidvalidity: 7, lastUid: 1 });

      const second = await ingestFolder(ctx, folder(new Set()));
      expect(second.created).toBe(1);
      expect(ticketsBy()).toEqual(['Refund for order 1', 'Refund for order 3', 'Refund for order 4', 'Refund for order 2']);
      expect(checkpointStore(db).get('support@fake/INBOX')).toEqual({ uidvalidity: 7, lastUid: 4 });
      const third = await ingestFolder(ctx, folder(new Set()));
      expect(third.fetched).toBe(0);
    } finally {
      await pool.close();
      db.close();
    }
  });
});
