import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { root } from '../support/build.js';
import { useDovecot } from '../support/dovecot.js';
import { appendMail } from '../support/mailbox.js';
import { freshUser, journal, readDb, runOnce } from '../support/ticketd.js';

// The behaviour-named sample mail (fixtures/emails) through a real Dovecot and the example
// config, in name order as the demo loads it: every message ends as one journal row with an
// outcome, none failed, and each first mail that the golden test routes to a new ticket opens
// one with that type and assignee.

const dir = path.join(root, 'fixtures/emails');
const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();

const dovecot = useDovecot();

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
        smtp: undefined,
        mailbox: { host: '127.0.0.1', port: dovecot.imapPort, user, password: dovecot.password, poll_seconds: 1, allow_plaintext: true },
      },
      work,
      {},
    );
    await appendMail(dovecot, user, files.map((f) => readFileSync(path.join(dir, f))));
    await runOnce(config);

    const rows = journal(config);
    expect(rows.map((r) => r.uid)).toEqual(files.map((_, i) => i + 1));
    expect(rows.filter((r) => r.outcome === null || r.outcome === 'failed')).toEqual([]);
    expect(rows.every((r) => r.server_marked === 1)).toBe(true);

    const created = readDb(config, (db) =>
      db.prepare(`SELECT j.uid, t.type_id, t.assignee FROM journal j JOIN tickets t ON t.id = j.ticket_id WHERE j.outcome = 'created'`).all(),
    ) as { uid: number; type_id: string; assignee: string | null }[];
    const golden = files.map((f) => JSON.parse(readFileSync(path.join(dir, f.replace(/\.eml$/, '.expected.json')), 'utf8')) as { plan: { action: string; typeId?: string; assignee?: string | null }; threadedBy: string | null });
    for (const [i, g] of golden.entries()) {
      if (g.plan.action !== 'create') continue;
      expect(created.find((c) => c.uid === i + 1), files[i]).toEqual({ uid: i + 1, type_id: g.plan.typeId, assignee: g.plan.assignee });
    }
  });
});
