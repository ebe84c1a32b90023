import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { runDaemon } from '../../src/service/daemon.js';
import { outboxPart } from '../../src/service/outbox-part.js';
import { root } from '../support/build.js';
import { useDovecot } from '../support/dovecot.js';
import { appendMail } from '../support/mailbox.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { freshUser, journal, quiet, readDb } from '../support/ticketd.js';

// The behaviour-named sample mail (fixtures/emails) through a real Dovecot and the example
// config, in name order as the demo loads it: every message ends as one journal row with an
// outcome, none failed, and each first mail that the golden test routes to a new ticket opens
// one with that type and assignee. Every mail the golden test ignores (automatic mail: bounces,
// feedback reports, receipts, challenges, out-of-office replies without headers...) is
// journaled `ignored`, opens no ticket and causes no outbox row, and nothing the real SMTP
// receiver gets answers it; the requests do get their acknowledgement (so "none" is not vacuous).

const dir = path.join(root, 'fixtures/emails');
const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();

const dovecot = useDovecot();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.stop();
});

describe('sample mail through Dovecot', () => {
  it('journals every fixture once with an outcome and opens the golden tickets', async () => {
    const { user, dir: work } = freshUser('fixtures');
    const example = parseDocument(readFileSync(path.join(root, 'config/ticketd.example.yaml'), 'utf8')).toJS() as Record<string, unknown>;
    const config = parseConfig(
      {
        ...example,
        database: path.join(work, 'ticketd.sqlite'),
        data_dir: path.join(work, 'data'),
        parse_workers: 0,
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'Bright Pixel Media Support <support@example.com>', pool_size: 1, retry_seconds: [0], allow_plaintext: true },
        mailbox: { host: '127.0.0.1', port: dovecot.imapPort, user, password: dovecot.password, poll_seconds: 1, allow_plaintext: true, start_from: 'all' },
      },
      work,
      {},
    );
    await appendMail(dovecot, user, files.map((f) => readFileSync(path.join(dir, f))));
    await runDaemon(config, { once: true, log: quiet, parts: [outboxPart(config)] });

    const rows = journal(config);
    expect(rows.map((r) => r.uid)).toEqual(files.map((_, i) => i + 1));
    expect(rows.filter((r) => r.outcome === null || r.outcome === 'failed')).toEqual([]);
    expect(rows.every((r) => r.server_marked === 1)).toBe(true);

    const created = readDb(config, (db) =>
      db.prepare(`SELECT j.uid, t.type_id, t.assignee FROM journal j JOIN tickets t ON t.id = j.ticket_id WHERE j.outcome = 'created'`).all(),
    ) as { uid: number; type_id: string; assignee: string | null }[];
    const golden = files.map((f) => JSON.parse(readFileSync(path.join(dir, f.replace(/\.eml$/, '.expected.json')), 'utf8')) as { plan: { action: string; typeId?: string; assignee?: string | null }; threadedBy: string | null; noAutoAnswer?: string });
    for (const [i, g] of golden.entries()) {
      if (g.plan.action !== 'create') continue;
      expect(created.find((c) => c.uid === i + 1), files[i]).toEqual({ uid: i + 1, type_id: g.plan.typeId, assignee: g.plan.assignee });
    }

    const outboxByUid = readDb(config, (db) =>
      db.prepare(`SELECT j.uid, o.kind FROM outbox o JOIN journal j ON j.id = o.journal_id`).all(),
    ) as { uid: number; kind: string }[];
    const ticketsBefore = (uid: number) =>
      readDb(config, (db) => (db.prepare(`SELECT COUNT(*) AS n FROM tickets t JOIN journal j ON j.ticket_id = t.id AND j.outcome = 'created' WHERE j.uid <= ?`).get(uid) as { n: number }).n);
    const ignored = golden.flatMap((g, i) => (g.plan.action === 'ignore' ? [{ file: files[i]!, uid: i + 1, reason: (g.plan as { reason?: string }).reason }] : []));
    expect(ignored.length).toBeGreaterThanOrEqual(30);
    // Ticket keys differ from the golden test's fake store: compare reasons without them.
    const unkeyed = (reason: string | null | undefined) => reason?.replace(/\b[A-Z]{2,10}-\d+\b/g, 'KEY');
    for (const { file, uid, reason } of ignored) {
      const row = rows.find((r) => r.uid === uid)!;
      expect({ file, outcome: row.outcome, reason: unkeyed(row.reason) }).toEqual({ file, outcome: 'ignored', reason: unkeyed(reason) });
      expect(created.some((c) => c.uid === uid), file).toBe(false);
      expect(ticketsBefore(uid), file).toBe(ticketsBefore(uid - 1));
      expect(outboxByUid.filter((o) => o.uid === uid), file).toEqual([]);
    }
    for (const [i, g] of golden.entries()) {
      if (g.plan.action !== 'create') continue;
      const kinds = outboxByUid.filter((o) => o.uid === i + 1).map((o) => o.kind);
      // A request gets its acknowledgement unless the pipeline withheld it (several senders...).
      if (g.noAutoAnswer) expect(kinds, files[i]).not.toContain('ack');
      else expect(kinds, files[i]).toContain('ack');
    }
    // What actually went out over SMTP: acknowledgements to the requests, none to automatic mail.
    const messageIdOf = (file: string) => /^Message-ID:\s*<([^>\r\n]+)>/im.exec(readFileSync(path.join(dir, file), 'latin1'))?.[1];
    const ignoredIds = new Set(ignored.map(({ file }) => messageIdOf(file)).filter(Boolean));
    expect(smtp.received.length).toBeGreaterThan(0);
    expect(smtp.received.filter((m) => ignoredIds.has(m.inReplyTo.replace(/[<>]/g, ''))).map((m) => m.subject)).toEqual([]);
  });
});
