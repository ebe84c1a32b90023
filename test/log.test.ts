import { describe, expect, it } from 'vitest';
import { imapflowLogger } from '../src/ingest/mailbox.js';
import { runDaemon } from '../src/service/daemon.js';
import { useDovecot } from './support/dovecot.js';
import { clientMail } from './support/emails.js';
import { captureLog } from './support/log-lines.js';
import { appendMail } from './support/mailbox.js';
import { useSmtp } from './support/smtp.js';
import { configFor, freshUser } from './support/ticketd.js';

// One `component` key on every line, so a log shipper (or jq 'select(.component=="outbox")')
// reads one value: pino writes a key a child sets again a second time on the same line.

const dovecot = useDovecot();
const smtp = useSmtp();

const componentKeys = (line: string): number => line.match(/"component":/g)?.length ?? 0;

describe('log lines', () => {
  it("imapflow's lines stay under the mailbox component, marked lib: imapflow", () => {
    const { log, raw } = captureLog('debug');
    imapflowLogger(log.child({ component: 'mailbox' })).warn({ cid: 'x1' }, 'socket closed');
    expect(raw).toHaveLength(1);
    expect(componentKeys(raw[0]!)).toBe(1);
    expect(JSON.parse(raw[0]!)).toMatchObject({ component: 'mailbox', lib: 'imapflow', level: 40 });
  });

  it('every line of a daemon run that tickets a mail and delivers its answers names exactly one component', async () => {
    const { user, dir } = freshUser('logkeys');
    const config = configFor(dir, user, dovecot, {
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'support@agency.example', allow_plaintext: true },
    });
    await appendMail(dovecot, user, [clientMail({ from: 'Dana Whitfield <dana@bakery.example>', to: 'support+seo@agency.example', subject: 'Listing gone' }).raw]);
    const { log, raw } = captureLog('debug');
    const stop = new AbortController();
    const daemon = runDaemon(config, { once: false, log, signal: stop.signal });
    await smtp.waitFor(2);
    stop.abort();
    await daemon;
    expect(raw.length).toBeGreaterThan(5);
    const components = new Set<string>();
    for (const line of raw) {
      expect(componentKeys(line), line).toBe(1);
      components.add(String((JSON.parse(line) as { component: unknown }).component));
    }
    expect([...components].sort()).toEqual(expect.arrayContaining(['daemon', 'ingest', 'mailbox', 'outbox']));
  });
});
