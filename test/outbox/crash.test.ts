import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createOutboxHook } from '../../src/outbox/enqueue.js';
import { openDb } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { loadTemplates } from '../../src/templates/load.js';
import { buildOnce, root } from '../support/build.js';
import { clientMessage, makeTicket } from '../support/outbox-db.js';
import { shippedTemplates } from '../support/outbox-config.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

// kill -9 of the delivering process while mails are in flight, then a restart: every mail
// arrives; the only repeats are mails the server accepted in the instant before the kill.

let smtp: TestSmtp;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await buildOnce();
  smtp = await startSmtp();
  dir = mkdtempSync(path.join(tmpdir(), 'tkd-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startChild(configFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist/test/support/deliver-child.js'), configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`delivery child exited early (${code})`)));
  });
}

describe('delivery crash', () => {
  it('kill -9 during delivery, then a restart: nothing lost, repeats only from the in-flight window', async () => {
    const poolSize = 2;
    const configFile = path.join(dir, 'ticketd.yaml');
    writeFileSync(
      configFile,
      stringify({
        database: 'ticketd.sqlite',
        data_dir: 'data',
        support_address: 'support@agency.example',
        templates_dir: shippedTemplates,
        rate_limits: { per_recipient: { count: 1000 }, global: { count: 1000 } },
        mailbox: { host: '127.0.0.1', port: 1143, user: 'support', password: 'x', allow_plaintext: true },
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'support@agency.example', pool_size: poolSize, retry_seconds: [0], allow_plaintext: true },
        staff: [{ id: 'seth', name: 'Seth', email: 'seth@agency.example', role: 'agent' }],
        request_types: [{ id: 'seo', prefix: 'SEO', label: 'SEO', assignee: 'seth' }],
        triage_type: 'seo',
      }),
    );
    const config = loadConfig(configFile);
    const db = openDb(config.database);
    const hook = createOutboxHook(config, loadTemplates(config));
    for (let i = 0; i < 40; i++) {
      const t = makeTicket(db, { clientEmail: `client${i}@x.example` });
      db.transaction(() => hook(db, { kind: 'ticket-created', ticket: t, message: clientMessage(t) }))();
    }
    const all = listOutbox(db, ['pending']).map((r) => r.messageId);
    expect(all).toHaveLength(80);

    // Slow answers keep mails in flight when the kill lands.
    smtp.delayMs = 30;
    const first = await startChild(configFile);
    await smtp.waitFor(25);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const beforeRestart = smtp.received.length;
    expect(beforeRestart).toBeLessThan(80);

    smtp.delayMs = 0;
    const second = await startChild(configFile);
    const deadline = Date.now() + 30_000;
    // The first child's claims are reset: its pid is dead.
    while (listOutbox(db, ['pending', 'sending']).length > 0) {
      if (Date.now() > deadline) throw new Error('outbox not drained after restart');
      await new Promise((r) => setTimeout(r, 50));
    }
    const secondExit = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await secondExit;

    const received = smtp.received.map((r) => r.messageId);
    expect(new Set(received)).toEqual(new Set(all));
    expect(listOutbox(db, ['sent'])).toHaveLength(80);
    // A repeat needs the server's "250" to have been lost in the kill: at most one per
    // connection, and each one is the same mail (same Message-ID), not a new one.
    const repeats = received.length - new Set(received).size;
    expect(repeats).toBeLessThanOrEqual(poolSize);
    db.close();
  });
});
