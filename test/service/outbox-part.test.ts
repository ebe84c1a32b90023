import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { createLogger } from '../../src/log.js';
import { outboxPart } from '../../src/service/outbox-part.js';
import { openDb } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { outboxConfig } from '../support/outbox-config.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

let smtp: TestSmtp;
let dir: string;
beforeAll(async () => {
  smtp = await startSmtp();
  dir = mkdtempSync(path.join(tmpdir(), 'tkd-outbox-part-'));
});
afterAll(async () => {
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the outbox part of `run --once`', () => {
  it('stops taking mail when the signal aborts (SIGTERM), leaving the rest pending', async () => {
    const config = outboxConfig({
      database: 'once.sqlite',
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'support@agency.example', pool_size: 1, retry_seconds: [0], allow_plaintext: true },
      rate_limits: { per_recipient: { count: 1000 }, global: { count: 1000 } },
    }, dir);
    const db = openDb(config.database);
    try {
      const hook = createOutboxHook(config, loadTemplates(config));
      for (let i = 0; i < 20; i++) {
        const t = makeTicket(db, { clientEmail: `client${i}@x.example` });
        db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
      }
      // A slow server: SIGTERM arrives while the first mails are on the wire.
      const stop = new AbortController();
      smtp.delayMs = 50;
      smtp.respond = () => (stop.abort(), null);
      await outboxPart(config).once!({ config, db, log: createLogger('silent'), signal: stop.signal });
      // The mails in flight when the signal came (two workers) finish; nothing new is taken.
      expect(smtp.received.length).toBeGreaterThan(0);
      expect(smtp.received.length).toBeLessThanOrEqual(2);
      expect(listOutbox(db, ['pending'])).toHaveLength(40 - smtp.received.length);
    } finally {
      db.close();
    }
  });
});
