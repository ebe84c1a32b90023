import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { BlobStore } from '../../src/ingest/blob-store.js';
import { readMailboxOnce } from '../../src/ingest/mailbox.js';
import { createParsePool, type ParsePool } from '../../src/ingest/parse-pool.js';
import { ingestFolder } from '../../src/service/ingest-pass.js';
import { reprocess } from '../../src/service/reprocess.js';
import { openDb } from '../../src/store/db.js';
import { createLookup } from '../../src/store/lookup.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { configFor, freshUser, quiet, readDb, runOnce, tickets } from '../support/ticketd.js';

// Attempts are counted before a message is processed, and only a process that died keeps
// them; a message over limits.max_message_bytes is stored whole on disk, journaled failed
// with the reason, marked, and replayable once the limit is raised.

const dovecot = useDovecot();

interface AttemptRow {
  uid: number;
  outcome: string | null;
  reason: string | null;
  attempts: number;
  server_marked: number;
  raw_path: string;
  sha256: string;
  size: number;
  subject: string | null;
  from_addr: string | null;
}

const rows = (config: Config): AttemptRow[] =>
  readDb(config, (db) =>
    db.prepare('SELECT uid, outcome, reason, attempts, server_marked, raw_path, sha256, size, subject, from_addr FROM journal ORDER BY uid').all() as AttemptRow[],
  );

/** One pass in this process, with a parse pool that can watch the parses. */
async function pass(config: Config, wrap: (pool: ParsePool) => ParsePool, signal?: AbortSignal): Promise<void> {
  const db = openDb(config.database);
  const pool = wrap(createParsePool({ size: 0, dataDir: config.data_dir, attachmentMaxBytes: config.limits.attachment_max_bytes }));
  try {
    const ctx = { db, config, hooks: [], blobs: new BlobStore(config.data_dir), lookup: createLookup(db), log: quiet, pool, signal };
    await readMailboxOnce(config.mailbox, quiet, async (folder) => void (await ingestFolder(ctx, folder)));
  } finally {
    await pool.close();
    db.close();
  }
}

describe('attempts', () => {
  it('every decided message counted one attempt; a pass that stops gives back the attempts of what it journaled and did not decide', async () => {
    const { user, dir } = freshUser('giveback');
    const config = configFor(dir, user, dovecot, { mailbox: { batch_size: 5 } });
    await appendMail(dovecot, user, Array.from({ length: 12 }, (_, i) => clientMail({ subject: `Website error ${i}` }).raw));
    // Stop (as SIGTERM does) as soon as the first parse starts: the first batch is journaled.
    const stop = new AbortController();
    // What the journal says of a message when its parse starts: its attempt already committed.
    const atParse: number[] = [];
    const watch = (pool: ParsePool): ParsePool => ({
      workers: pool.workers,
      close: () => pool.close(),
      parse(rawPath, raw) {
        stop.abort();
        atParse.push(readDb(config, (db) => (db.prepare('SELECT attempts FROM journal WHERE raw_path = ?').get(rawPath) as { attempts: number }).attempts));
        return pool.parse(rawPath, raw);
      },
    });
    await pass(config, watch, stop.signal);
    expect(atParse.length).toBeGreaterThan(0);
    expect(atParse.every((a) => a === 1)).toBe(true);
    const stopped = rows(config);
    const undecided = stopped.filter((r) => r.outcome === null);
    expect(undecided.length).toBeGreaterThan(0);
    expect(undecided.map((r) => r.attempts)).toEqual(undecided.map(() => 0));
    expect(stopped.filter((r) => r.outcome !== null).map((r) => r.attempts)).toEqual(stopped.filter((r) => r.outcome !== null).map(() => 1));

    // Not suspects: the next pass decides them in groups, each with one attempt.
    await runOnce(config);
    expect(rows(config).map((r) => [r.outcome, r.attempts])).toEqual(Array.from({ length: 12 }, () => ['created', 1]));
  });
});

describe('a message over limits.max_message_bytes', () => {
  it('is stored byte for byte, journaled failed with the reason and marked; the next message is ticketed; reprocess replays it once the limit allows', async () => {
    const { user, dir } = freshUser('oversize');
    const config = configFor(dir, user, dovecot, { limits: { max_message_bytes: 64 * 1024 } });
    const body = Array.from({ length: 3000 }, (_, i) => `line ${i} of the attached server log, please have a look`).join('\n');
    const big = clientMail({ from: 'Ana Ruiz <ana@ruiz-bikes.example>', subject: 'Website error log attached', body });
    await appendMail(dovecot, user, [big.raw, clientMail({ subject: 'Refund for order 77' }).raw]);
    await runOnce(config);

    const [over, next] = rows(config);
    const raw = Buffer.from(big.raw.replace(/\r?\n/g, '\r\n'));
    expect(over).toMatchObject({
      uid: 1,
      outcome: 'failed',
      reason: `message of ${raw.length} bytes is over limits.max_message_bytes (65536): stored, not parsed`,
      server_marked: 1,
      size: raw.length,
      subject: 'Website error log attached',
      from_addr: 'ana@ruiz-bikes.example',
    });
    // Nothing lost: the stored file is the message as the server had it.
    const stored = readFileSync(path.join(config.data_dir, over!.raw_path));
    expect(stored.equals(raw)).toBe(true);
    expect(over!.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(next).toMatchObject({ uid: 2, outcome: 'created', server_marked: 1 });
    expect((await listFolder(dovecot, user)).map((m) => m.seen)).toEqual([true, true]);
    expect(tickets(config).map((t) => t.subject)).toEqual(['Refund for order 77']);

    // Replayed under the same limit: not read, the same reason again.
    const same = await reprocess(config, { failed: true }, { log: quiet, hooks: [] });
    expect(same).toMatchObject([{ before: 'failed', after: 'failed', reason: over!.reason }]);
    // With the limit raised it is ticketed.
    const raised = { ...config, limits: { ...config.limits, max_message_bytes: 1024 * 1024 } };
    expect(await reprocess(raised, { failed: true }, { log: quiet, hooks: [] })).toMatchObject([{ before: 'failed', after: 'created' }]);
    expect(tickets(config).map((t) => t.subject).sort()).toEqual(['Refund for order 77', 'Website error log attached']);
  });
});
