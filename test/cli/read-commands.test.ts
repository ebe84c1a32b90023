import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { seedStore } from './seed.js';
import { baseConfig, buildOnce, tempDir, ticketd, writeConfig } from './support.js';

beforeAll(buildOnce, 180_000);

// list/show/journal over a store seeded directly (the daemon's end-to-end test is separate).

let config: string;

beforeAll(() => {
  const dir = tempDir();
  config = writeConfig(dir, baseConfig(dir));
  seedStore(path.join(dir, 'ticketd.sqlite'));
});

const keysOf = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[0]);

describe('ticketd list', () => {
  it('shows open tickets oldest first, without closed ones', () => {
    const r = ticketd(['list', '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^KEY\s+STATUS\s+TYPE\s+ASSIGNEE\s+CLIENT\s+PRIORITY\s+OPENED\s+AGE\s+SUBJECT$/);
    expect(keysOf(r.stdout)).toEqual(['REF-1000', 'SEO-1001', 'TRI-1002']);
  });

  it('shows the colour words and the blue flag', () => {
    const lines = ticketd(['list', '-c', config]).stdout.split('\n');
    expect(lines.find((l) => l.startsWith('REF-1000'))).toContain('new (green) +blue');
    expect(lines.find((l) => l.startsWith('SEO-1001'))).toContain('tbc (yellow)');
    expect(lines.find((l) => l.startsWith('SEO-1001'))).not.toContain('blue');
    expect(lines.find((l) => l.startsWith('TRI-1002'))).toMatch(/open\s+triage\s+\(triage\)/);
  });

  it('filters by status, assignee, type and client', () => {
    const keys = (...args: string[]) => (JSON.parse(ticketd(['list', '--json', '-c', config, ...args]).stdout) as { key: string }[]).map((t) => t.key);
    expect(keys('--status', 'closed')).toEqual(['REF-1003']);
    expect(keys('--status', 'all')).toEqual(['REF-1003', 'REF-1000', 'SEO-1001', 'TRI-1002']);
    expect(keys('--assignee', 'seth')).toEqual(['SEO-1001']);
    expect(keys('--assignee', 'none')).toEqual(['TRI-1002']);
    expect(keys('--type', 'refund', '--status', 'all')).toEqual(['REF-1003', 'REF-1000']);
    expect(keys('--client', 'ACME.example')).toEqual(['REF-1000', 'TRI-1002']);
  });

  it('--json gives the ticket fields', () => {
    const [first] = JSON.parse(ticketd(['list', '--json', '-c', config]).stdout) as Record<string, unknown>[];
    expect(first).toMatchObject({ key: 'REF-1000', status: 'new', assignee: 'olivia', clientWrote: true, clientEmail: 'alice@acme.example' });
  });

  it('rejects an unknown status with usage, exit 2', () => {
    const r = ticketd(['list', '--status', 'pending', '-c', config]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Allowed choices are new, open, tbc, closed, all');
  });

  it('says so when there is no database yet, exit 1', () => {
    const dir = tempDir();
    const r = ticketd(['list', '-c', writeConfig(dir, baseConfig(dir))]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`ticketd: no database at ${path.join(dir, 'ticketd.sqlite')} yet (\`ticketd run\` creates it)`);
  });
});

describe('ticketd show', () => {
  it('shows the ticket, the visible text of its messages, attachments and events', () => {
    const r = ticketd(['show', 'ref-1000', '-c', config]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('REF-1000  Refund for invoice 4411');
    expect(r.stdout).toMatch(/assignee\s+olivia/);
    expect(r.stdout).toContain('Hello, about Refund for invoice 4411.');
    expect(r.stdout).not.toContain('quoted history line');
    expect(r.stdout).toContain('[attachment] invoice-4411.pdf (application/pdf, 2048 bytes)');
    expect(r.stdout).toContain('huge.zip (application/zip, 31457280 bytes) not stored: over the 25 MB cap');
    expect(r.stdout).toMatch(/created\s+alice@acme\.example\s+email/);
  });

  it('--full shows the whole text with the quoted history', () => {
    const r = ticketd(['show', 'REF-1000', '--full', '-c', config]);
    expect(r.stdout).toContain('> quoted history line');
  });

  it('--json gives ticket, messages, attachments and events', () => {
    const d = JSON.parse(ticketd(['show', 'SEO-1001', '--json', '-c', config]).stdout) as {
      ticket: { key: string; status: string };
      messages: unknown[];
      attachments: unknown[];
      events: { kind: string; data: unknown }[];
    };
    expect(d.ticket).toMatchObject({ key: 'SEO-1001', status: 'tbc' });
    expect(d.messages).toHaveLength(1);
    expect(d.attachments).toEqual([]);
    expect(d.events[0]).toMatchObject({ kind: 'created', data: { type: 'seo', assignee: 'seth' } });
  });

  it("marks a third party's message (its third_party_wrote event names it)", () => {
    const dir = tempDir();
    const file = writeConfig(dir, baseConfig(dir));
    seedStore(path.join(dir, 'ticketd.sqlite'));
    const db = openDb(path.join(dir, 'ticketd.sqlite'));
    try {
      const t = db.prepare(`SELECT id FROM tickets WHERE key = 'REF-1003'`).get() as { id: number };
      const at = new Date().toISOString();
      const m = db
        .prepare(`INSERT INTO messages (ticket_id, direction, author_kind, author_email, subject, body_text, visible_text, created_at) VALUES (?, 'in', 'client', 'eve@else.example', 'Re: [REF-1003]', 'Pay here.', 'Pay here.', ?)`)
        .run(t.id, at);
      db.prepare(`INSERT INTO events (ticket_id, at, actor, via, kind, data) VALUES (?, ?, 'eve@else.example', 'email', 'third_party_wrote', ?)`).run(
        t.id, at, JSON.stringify({ messageId: Number(m.lastInsertRowid), reason: 'not its client' }),
      );
    } finally {
      db.close();
    }
    const r = ticketd(['show', 'REF-1003', '-c', file]);
    expect(r.stdout).toMatch(/#\d+ in +\d{4}-\d\d-\d\d \d\d:\d\d UTC third party \(changed nothing\) eve@else\.example/);
    expect(r.stdout).toMatch(/#\d+ in +\d{4}-\d\d-\d\d \d\d:\d\d UTC client dan@dan\.example/);
    const d = JSON.parse(ticketd(['show', 'REF-1003', '--json', '-c', file]).stdout) as { messages: { authorEmail: string; thirdParty: boolean }[] };
    expect(d.messages.map((x) => [x.authorEmail, x.thirdParty])).toEqual([['dan@dan.example', false], ['eve@else.example', true]]);
  });

  it('a missing ticket: "no ticket KEY", exit 1', () => {
    const r = ticketd(['show', 'REF-9', '-c', config]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('ticketd: no ticket REF-9');
  });
});

describe('ticketd journal', () => {
  it('lists recent rows newest first with outcomes and reasons', () => {
    const r = ticketd(['journal', '-c', config]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FETCHED\s+OUTCOME\s+TICKET\s+FROM\s+SUBJECT\s+REASON$/);
    expect(lines[1]).toMatch(/^6\s.*failed.*PARSE: no usable content$/);
    expect(lines[2]).toMatch(/^5\s.*ignored.*auto-reply: Auto-Submitted: auto-replied$/);
    expect(lines).toHaveLength(7);
  });

  it('--outcome and --limit filter', () => {
    const rows = (...args: string[]) => JSON.parse(ticketd(['journal', '--json', '-c', config, ...args]).stdout) as { id: number; outcome: string; ticketKey: string | null }[];
    expect(rows('--outcome', 'ignored').map((r) => r.id)).toEqual([5]);
    expect(rows('--outcome', 'created', '--limit', '2').map((r) => r.ticketKey)).toEqual(['REF-1003', 'TRI-1002']);
  });

  it('rejects a bad --limit with usage, exit 2', () => {
    const r = ticketd(['journal', '--limit', 'lots', '-c', config]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('a whole number of at least 1');
  });
});
