import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { runDaemon } from '../../src/service/daemon.js';
import { useDovecot } from '../support/dovecot.js';
import { clientMail } from '../support/emails.js';
import { appendMail } from '../support/mailbox.js';
import { useSmtp } from '../support/smtp.js';
import { configFor, freshUser, quiet } from '../support/ticketd.js';

// What a client reads, through Dovecot, the daemon and a real SMTP receiver: greetings that
// fit who wrote, the type as clients know it, no turnaround promised for unsorted mail, and a
// signature delimiter mail programs recognise.

const dovecot = useDovecot();
const smtp = useSmtp();

function setup(prefix: string, extra: Record<string, unknown> = {}): { user: string; config: Config } {
  const { user, dir } = freshUser(prefix);
  const config = configFor(dir, user, dovecot, {
    public_name: 'Agency client services',
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'Agency support <support@agency.example>', retry_seconds: [0], allow_plaintext: true },
    ...extra,
  });
  return { user, config };
}

const runOnce = (config: Config) => runDaemon(config, { once: true, log: quiet });
const to = (addr: string) => smtp.received.filter((r) => r.to.includes(addr));

describe('mail clients read', () => {
  it('greets a front desk neutrally, promises no turnaround for triage, signs with public_name after "-- "', async () => {
    const { user, config } = setup('honest-triage');
    await appendMail(dovecot, user, [clientMail({ from: 'Smile Bright Dental - Front Desk <desk@smilebright.example>', subject: 'Question about our account' }).raw]);
    await runOnce(config);
    const [ack] = to('desk@smilebright.example');
    expect(ack!.subject).toBe('[TRI-1000] Question about our account');
    expect(ack!.text).toMatch(/^Hello,\n/);
    expect(ack!.text).not.toContain('Smile Bright');
    expect(ack!.text).not.toMatch(/usually done within|Triage/);
    // The delimiter keeps its trailing space all the way through SMTP (encoded or not).
    expect(ack!.text).toContain('\n-- \nAgency client services <support@agency.example>');
    expect(ack!.raw).toMatch(/\r\n--( |=20)\r\n/);
    expect(ack!.html).toContain('<p>Hello,</p>');
  });

  it("names the request type with its client_label and greets a person by name", async () => {
    const { user, config } = setup('honest-label', {
      request_types: [
        { id: 'refund', prefix: 'REF', label: 'Refund / credit (Olivia)', client_label: 'Refund and credit note', assignee: 'olivia', turnaround: '3 business days' },
        { id: 'triage', prefix: 'TRI', label: 'Triage (leads assign)' },
      ],
      rules: [{ name: 'refunds', match: [{ field: 'subject', op: 'contains', value: 'refund' }], set: { type: 'refund' } }],
    });
    await appendMail(dovecot, user, [clientMail({ from: 'Dana Whitfield <dana@bakery.example>', subject: 'A refund for order 5521' }).raw]);
    await runOnce(config);
    const [ack] = to('dana@bakery.example');
    expect(ack!.text).toMatch(/^Hi Dana Whitfield,\n/);
    expect(ack!.text).toContain('Refund and credit note requests are usually done within 3 business days.');
    expect(ack!.text).not.toContain('Olivia');
    expect(ack!.html).toContain('Refund and credit note requests are usually done within 3 business days.');
    // Staff still read the team's own label.
    expect(to('olivia@agency.example')[0]!.text).toContain('Request:  Refund / credit (Olivia), priority normal');
  });

  it('a status answer greets a team neutrally and a person by name', async () => {
    const { user, config } = setup('honest-status');
    await appendMail(dovecot, user, [
      clientMail({ from: 'Accounts Team <accounts@bakery.example>', subject: 'status' }).raw,
      clientMail({ from: 'info <info@tapas.example>', subject: 'status?' }).raw,
      clientMail({ from: 'Dana Whitfield <dana@bakery.example>', subject: 'status' }).raw,
    ]);
    await runOnce(config);
    expect(to('accounts@bakery.example')[0]!.text).toMatch(/^Hello,\n\nYou have no open requests with us at the moment\./);
    expect(to('info@tapas.example')[0]!.text).toMatch(/^Hello,\n/);
    expect(to('dana@bakery.example')[0]!.text).toMatch(/^Hi Dana Whitfield,\n/);
  });
});
