import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database at the version just before the migration that contains `marker`. */
function before(name: string, marker: string): Database.Database {
  const upTo = migrations.findIndex((m) => m.includes(marker));
  const old = new Database(path.join(dir, name));
  for (const m of migrations.slice(0, upTo)) old.exec(m);
  old.pragma(`user_version = ${upTo}`);
  return old;
}

const plan = (db: Database.Database, sql: string): string => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());

describe('migrations', () => {
  it('the auto-replied column is filled from the headers of rows written before it', () => {
    const file = path.join(dir, 'auto.sqlite');
    const old = before('auto.sqlite', 'ADD COLUMN auto_replied');
    const row = (id: number, auto: string) =>
      `INSERT INTO outbox (id, kind, to_addr, subject, message_id, headers, text, next_attempt_at, scheduled_at, created_at)
         VALUES (${id}, 'ack', 'a@x', 's', 'm${id}@agency', '{"Auto-Submitted":"${auto}"}', 't', 't', 't', 't');`;
    old.exec(row(1, 'auto-replied') + row(2, 'auto-generated'));
    old.close();
    const db = openDb(file);
    try {
      expect(db.prepare(`SELECT id, auto_replied FROM outbox ORDER BY id`).all()).toEqual([
        { id: 1, auto_replied: 1 },
        { id: 2, auto_replied: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it('the outbox-claims rebuild keeps every row, its id (messages refer to it) and the indexes', () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec(migrations[0]!);
    old.exec(migrations[1]!);
    old.pragma('user_version = 2');
    old.exec(`
      INSERT INTO tickets (id, key, number, type_id, subject, status, opener_kind, opener_email, checker, created_at, updated_at)
        VALUES (1, 'SEO-1', 1, 'seo', 's', 'new', 'client', 'a@x', 'management', 't', 't');
      INSERT INTO outbox (id, ticket_id, kind, to_addr, subject, message_id, text, status, attempts, next_attempt_at, last_error, created_at)
        VALUES (7, 1, 'ack', 'a@x', 'hello', 'm7@agency', 'text', 'failed', 3, 't', '550 no', 't');
      INSERT INTO messages (ticket_id, outbox_id, direction, author_kind, created_at) VALUES (1, 7, 'out', 'system', 't');`);
    old.close();

    const db = openDb(file);
    try {
      expect(db.prepare(`SELECT id, status, attempts, last_error, message_id FROM outbox`).all()).toEqual([
        { id: 7, status: 'failed', attempts: 3, last_error: '550 no', message_id: 'm7@agency' },
      ]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.prepare(`UPDATE outbox SET status = 'sending', claimed_at = 't', claimed_by = 'h/1/x' WHERE id = 7`).run();
      const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL`).all() as { name: string }[]).map((i) => i.name);
      expect(indexes).toEqual(expect.arrayContaining(['outbox_due', 'outbox_due_audience', 'outbox_auto_replies_to']));
      // Still enforced after the rebuild.
      expect(() => db.prepare(`INSERT INTO messages (ticket_id, outbox_id, direction, author_kind, created_at) VALUES (1, 99, 'out', 'system', 't')`).run()).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('rows written before the recipient key get it (lowercase, +tag removed) and an audience; the limits and the due query read an index', () => {
    const file = path.join(dir, 'key.sqlite');
    const old = before('key.sqlite', 'ADD COLUMN recipient_key');
    const row = (id: number, kind: string, to: string) =>
      `INSERT INTO outbox (id, kind, to_addr, subject, message_id, headers, text, next_attempt_at, scheduled_at, created_at, auto_replied)
         VALUES (${id}, '${kind}', '${to}', 's', 'k${id}@agency', '{}', 't', 't', 't', 't', ${kind === 'ack' ? 1 : 0});`;
    old.exec(row(1, 'ack', 'Victim+3@X.Example') + row(2, 'ack', 'plain@x.example') + row(3, 'assigned', 'seth+tickets@agency.example') + row(4, 'ack', 'a+b+c@x.example'));
    old.close();
    const db = openDb(file);
    try {
      expect(db.prepare(`SELECT id, to_addr, recipient_key, audience FROM outbox ORDER BY id`).all()).toEqual([
        { id: 1, to_addr: 'Victim+3@X.Example', recipient_key: 'victim@x.example', audience: 'outside' },
        { id: 2, to_addr: 'plain@x.example', recipient_key: 'plain@x.example', audience: 'outside' },
        { id: 3, to_addr: 'seth+tickets@agency.example', recipient_key: 'seth@agency.example', audience: 'staff' },
        { id: 4, to_addr: 'a+b+c@x.example', recipient_key: 'a@x.example', audience: 'outside' },
      ]);
      const perRecipient = `SELECT 1 FROM outbox WHERE auto_replied = 1 AND recipient_key = 'a@x' AND created_at >= 't' AND status != 'held'`;
      expect(plan(db, perRecipient)).toMatch(/COVERING INDEX outbox_auto_replies_to/);
      const global = `SELECT 1 FROM outbox WHERE auto_replied = 1 AND created_at >= 't' AND status != 'held' AND audience = 'outside' ORDER BY created_at`;
      expect(plan(db, global)).toMatch(/COVERING INDEX outbox_auto_replies_recent/);
      const due = `SELECT * FROM outbox WHERE status = 'pending' AND audience = 'staff' AND next_attempt_at <= 't' ORDER BY next_attempt_at, id`;
      expect(plan(db, due)).toMatch(/INDEX outbox_due_audience/);
      expect(plan(db, due)).not.toMatch(/TEMP B-TREE/);
      expect(() => db.prepare(`UPDATE outbox SET audience = 'everyone' WHERE id = 1`).run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
