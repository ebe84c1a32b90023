import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/ingest/blob-store.js';
import { createLogger } from '../../src/log.js';
import type { ChangeHook } from '../../src/tickets/changes.js';
import { commitGroup, type GroupItem } from '../../src/service/commit-group.js';
import { processParsed, type ProcessContext } from '../../src/service/process-message.js';
import { checkpointStore } from '../../src/store/checkpoints.js';
import { openDb, type Db } from '../../src/store/db.js';
import { journalStore } from '../../src/store/journal.js';
import { createLookup } from '../../src/store/lookup.js';
import { testConfig } from '../support/config.js';
import { fakeMail } from '../support/mail.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = testConfig(dir);
const MB = 'support@127.0.0.1/INBOX';

let db: Db;
let uid: number;
const ctxWith = (hooks: ChangeHook[]): ProcessContext => ({
  db,
  config,
  hooks,
  blobs: new BlobStore(dir),
  lookup: createLookup(db),
  log: createLogger('silent'),
});

beforeEach(() => {
  db = openDb(':memory:');
  uid = 0;
});

function item(subject: string, parsed?: Error): GroupItem {
  const n = ++uid;
  const row = journalStore(db).record({ mailbox: MB, uidvalidity: 7, uid: n, messageId: `m${n}@x`, sha256: `${n}`.padStart(64, '0'), rawPath: 'raw/x', size: 10 });
  return { row, parsed: parsed ?? fakeMail({ messageId: `m${n}@x`, subject, from: { address: `c${n}@client.example`, name: 'C' } }), position: { mailbox: MB, uidvalidity: 7, uid: n } };
}

const outcomes = () => (db.prepare('SELECT outcome FROM journal ORDER BY uid').all() as { outcome: string | null }[]).map((r) => r.outcome);
const ticketCount = () => (db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;

describe('commitGroup', () => {
  it('decides every message of a group, parse failures included, and advances the checkpoint to the last one', () => {
    const group = [item('one'), item('two', new Error('bad MIME')), item('three')];
    const results = commitGroup(ctxWith([]), group);
    expect(results.map((r) => r.applied?.outcome)).toEqual(['created', 'failed', 'created']);
    expect(outcomes()).toEqual(['created', 'failed', 'created']);
    expect(ticketCount()).toBe(2);
    expect(checkpointStore(db).get(MB)).toEqual({ uidvalidity: 7, lastUid: 3 });
  });

  it('a message whose apply throws is recorded failed alone; its neighbours are committed', () => {
    const boom: ChangeHook = (_db, change) => {
      if (change.kind === 'ticket-created' && change.ticket.subject === 'boom') throw new Error('hook failed');
    };
    const results = commitGroup(ctxWith([boom]), [item('one'), item('boom'), item('three')]);
    expect(results.map((r) => r.applied?.outcome)).toEqual(['created', 'failed', 'created']);
    expect(outcomes()).toEqual(['created', 'failed', 'created']);
    expect((db.prepare('SELECT subject FROM tickets ORDER BY id').all() as { subject: string }[]).map((t) => t.subject)).toEqual(['one', 'three']);
    expect(checkpointStore(db).get(MB)).toEqual({ uidvalidity: 7, lastUid: 3 });
  });

  it('processParsed refuses to run inside a caller transaction (its failure path needs its own)', () => {
    const { row, parsed } = item('one');
    expect(() => db.transaction(() => processParsed(ctxWith([]), row.id, parsed!))()).toThrow(/outside a transaction/);
    expect(outcomes()).toEqual([null]);
  });

  it('commits the group once: another connection sees none of its messages before the end', () => {
    db = openDb(path.join(dir, 'group.sqlite'));
    const other = openDb(path.join(dir, 'group.sqlite'));
    const seen: number[] = [];
    const peek: ChangeHook = () => void seen.push((other.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n);
    commitGroup(ctxWith([peek]), [item('one'), item('two'), item('three')]);
    expect(seen).toEqual([0, 0, 0]);
    expect((other.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n).toBe(3);
    other.close();
    db.close();
  });

  it('a full disk while committing is thrown, never recorded failed: nothing of the group is written', () => {
    const full: ChangeHook = (_db, change) => {
      if (change.kind === 'ticket-created' && change.ticket.subject === 'full') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    expect(() => commitGroup(ctxWith([full]), [item('one'), item('full'), item('three')])).toThrow('disk is full');
    expect(outcomes()).toEqual([null, null, null]);
    expect(checkpointStore(db).get(MB)).toBeNull();
  });

  it('a message whose attachments could not be stored (ENOSPC) is thrown, not journaled failed', () => {
    const enospc = Object.assign(new Error('cannot write attachments/a/…'), { cause: Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) });
    expect(() => processParsed(ctxWith([]), item('one', enospc).row.id, enospc)).toThrow('cannot write');
    expect(outcomes()).toEqual([null]);
  });
});
