import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('the auto-replied column is filled from the headers of rows written before it', () => {
    const file = path.join(dir, 'auto.sqlite');
    const old = new Database(file);
    // Every migration before the one that adds the column (later ones may follow it).
    const at = migrations.findIndex((m) => m.includes('ADD COLUMN auto_replied'));
    for (const m of migrations.slice(0, at)) old.exec(m);
    old.pragma(`user_version = ${at}`);
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
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM outbox WHERE auto_replied = 1 AND to_addr = 'a@x' AND created_at >= 't' AND status != 'held'`).all();
      expect(JSON.stringify(plan)).toMatch(/COVERING INDEX outbox_auto_replies/);
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
      expect(indexes).toEqual(expect.arrayContaining(['outbox_due', 'outbox_slot', 'outbox_auto_replies']));
      // Still enforced after the rebuild.
      expect(() => db.prepare(`INSERT INTO messages (ticket_id, outbox_id, direction, author_kind, created_at) VALUES (1, 99, 'out', 'system', 't')`).run()).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });
});
