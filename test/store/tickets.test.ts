import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations.js';
import { ticketStore, type NewTicket } from '../../src/store/tickets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tkd-tickets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ticket = (prefix = 'REF'): NewTicket => ({
  typeId: 'refund',
  prefix,
  numberStart: 1000,
  subject: 'Refund please',
  priority: 'normal',
  assignee: null,
  openerKind: 'client',
  openerEmail: 'ann@client.example',
  openerName: 'Ann',
  checker: 'management',
  clientEmail: 'ann@client.example',
  organisation: null,
  threadMessageId: null,
  at: '2024-05-01T09:00:00.000Z',
});

describe('ticket numbers', () => {
  it('start at ticket_number_start and go up by one across prefixes', () => {
    const db = openDb(path.join(dir, 'start.sqlite'));
    try {
      const t = ticketStore(db);
      expect([t.create(ticket()).key, t.create(ticket('SEO')).key, t.create(ticket()).key]).toEqual(['REF-1000', 'SEO-1001', 'REF-1002']);
    } finally {
      db.close();
    }
  });

  it('are never given again when the row holding the highest one is gone (a lost commit, a restore)', () => {
    const db = openDb(path.join(dir, 'gone.sqlite'));
    try {
      const t = ticketStore(db);
      t.create(ticket());
      t.create(ticket());
      // The key REF-1001 reached a client; then its row is lost.
      db.prepare(`DELETE FROM tickets WHERE number = 1001`).run();
      expect(t.create(ticket()).key).toBe('REF-1002');
    } finally {
      db.close();
    }
  });

  it('a store from before the counter continues after its highest number', () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    const at = migrations.findIndex((m) => m.includes('CREATE TABLE counters'));
    for (const m of migrations.slice(0, at)) old.exec(m);
    old.pragma(`user_version = ${at}`);
    old.exec(`INSERT INTO tickets (key, number, type_id, subject, status, opener_kind, opener_email, checker, created_at, updated_at)
      VALUES ('SEO-1041', 1041, 'seo', 's', 'new', 'client', 'a@x', 'management', 't', 't')`);
    old.close();
    const db = openDb(file);
    try {
      expect(ticketStore(db).create(ticket()).key).toBe('REF-1042');
    } finally {
      db.close();
    }
  });
});

describe('the database files', () => {
  it('are 0600 (database, -wal, -shm) whatever the umask, in a new 0700 directory', () => {
    const file = path.join(dir, 'private', 'sub', 'ticketd.sqlite');
    const was = process.umask(0);
    let db;
    try {
      db = openDb(file);
    } finally {
      process.umask(was);
    }
    try {
      ticketStore(db).create(ticket());
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      for (const d of [path.dirname(file), path.dirname(path.dirname(file))]) expect((statSync(d).mode & 0o777).toString(8), d).toBe('700');
    } finally {
      db.close();
    }
  });

  it('an existing world-readable database is made 0600 when opened', () => {
    const file = path.join(dir, 'loose.sqlite');
    writeFileSync(file, '', { mode: 0o644 });
    openDb(file).close();
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('commits with synchronous=FULL: a commit is on disk before anyone can read it', () => {
    const db = openDb(path.join(dir, 'full.sqlite'));
    try {
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });
});
