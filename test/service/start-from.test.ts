import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail, listFolder } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { configData } from '../support/config.js';
import { configFor, freshUser, journal, quiet, readDb, tickets } from '../support/ticketd.js';
import { buildOnce, ticketd } from '../cli/support.js';

// mailbox.start_from on a database's first read of a mailbox that already holds mail.

beforeAll(() => buildOnce(), 180_000);
const dovecot = useDovecot();
const smtp = useSmtp();

function setup(prefix: string, startFrom: string): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    mailbox: { start_from: startFrom },
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const oldMail = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => clientMail({ from: `Old Client ${i} <old${i}.${tag}@client.example>`, subject: `Refund for order ${i} from years ago` }).raw);
const outboxRows = (config: Config) => readDb(config, (db) => (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
const sentTo = (tag: string) => smtp.received.filter((r) => r.to.some((t) => t.endsWith(`.${tag}@client.example`)));

describe('first start: mailbox.start_from', () => {
  it('now: 50 old mails get no ticket, no journal row, no mail and keep their unread flag; new mail is ticketed and acknowledged', async () => {
    const { user, config } = setup('startnow', 'now');
    await appendMail(dovecot, user, oldMail(50, 'now'));
    await runOnce(config);
    expect(tickets(config)).toEqual([]);
    expect(journal(config)).toEqual([]);
    expect(outboxRows(config)).toBe(0);
    expect((await listFolder(dovecot, user)).filter((m) => m.seen)).toEqual([]);
    const checkpoint = readDb(config, (db) => db.prepare('SELECT last_uid AS lastUid, start_at AS startAt, read_at AS readAt FROM checkpoints').get()) as Record<string, unknown>;
    expect(checkpoint).toMatchObject({ lastUid: 50, startAt: expect.any(String), readAt: expect.any(String) });

    await appendMail(dovecot, user, [
      clientMail({ from: 'New Client <new.now@client.example>', subject: 'Refund for this week' }).raw,
      clientMail({ from: 'Second Client <second.now@client.example>', subject: 'Hello from today' }).raw,
    ]);
    await runOnce(config);
    expect(tickets(config).map((t) => t.subject)).toEqual(['Refund for this week', 'Hello from today']);
    expect(journal(config).map((r) => r.uid)).toEqual([51, 52]);
    expect(sentTo('now').map((r) => r.to[0]).sort()).toEqual(['new.now@client.example', 'second.now@client.example']);
    // A later start reads on from the checkpoint: start_from is never applied again.
    await runOnce(config);
    expect(tickets(config)).toHaveLength(2);
  });

  it('all: every mail already in the mailbox is ticketed and acknowledged', async () => {
    const { user, config } = setup('startall', 'all');
    await appendMail(dovecot, user, oldMail(12, 'all'));
    await runOnce(config);
    expect(tickets(config)).toHaveLength(12);
    expect(journal(config).every((r) => r.outcome === 'created')).toBe(true);
    expect(sentTo('all')).toHaveLength(12);
  });

  it('a date: mail that arrived before it (the server\'s arrival time) is left alone, mail from that day on is ticketed', async () => {
    const { user, config } = setup('startdate', '2024-03-01');
    await appendMail(dovecot, user, oldMail(3, 'date'), { date: new Date('2023-12-24T10:00:00Z') });
    await appendMail(dovecot, user, [clientMail({ from: 'Late Client <late.date@client.example>', subject: 'Refund for the night before' }).raw], {
      date: new Date('2024-02-29T22:00:00Z'),
    });
    await appendMail(dovecot, user, [clientMail({ from: 'Spring Client <spring.date@client.example>', subject: 'Refund for March' }).raw], {
      date: new Date('2024-03-01T00:30:00Z'),
    });
    await runOnce(config);
    expect(tickets(config).map((t) => t.subject)).toEqual(['Refund for March']);
    expect(sentTo('date').map((r) => r.to[0])).toEqual(['spring.date@client.example']);
  });

  it('a date at midnight in the config timezone, not in UTC', async () => {
    const { user, config } = setup('startzone', '2024-03-01');
    const zoned = { ...config, timezone: 'America/Chicago' };
    // 03:00 UTC on 1 March is still 29 February in Chicago: before the start.
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund asked on leap day evening' }).raw], { date: new Date('2024-03-01T03:00:00Z') });
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund asked on the first of March' }).raw], { date: new Date('2024-03-01T07:00:00Z') });
    await runOnce(zoned);
    expect(tickets(config).map((t) => t.subject)).toEqual(['Refund asked on the first of March']);
  });

  it("keeps the mail's own Date header beside the ticket", async () => {
    const { user, config } = setup('sentat', 'all');
    await appendMail(dovecot, user, [clientMail({ subject: 'Refund with a date' }).raw]);
    await runOnce(config);
    const row = readDb(config, (db) => db.prepare('SELECT sent_at AS sentAt FROM journal').get()) as { sentAt: string };
    expect(row.sentAt).toBe('2026-11-23T08:14:00.000Z');
    const file = path.join(path.dirname(config.database), 'ticketd.yaml');
    writeFileSync(file, stringify(configData(path.dirname(config.database), user, dovecot)));
    const shown = ticketd(['show', 'REF-1000', '-c', file]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("    Date: 2026-11-23 08:14 UTC (the sender's clock)");
    const eml = path.join(path.dirname(config.database), 'dated.eml');
    writeFileSync(eml, clientMail({ subject: 'Refund with a date' }).raw);
    expect(ticketd(['explain', eml, '-c', file]).stdout).toMatch(/date +2026-11-23T08:14:00\.000Z/);
  });
});
