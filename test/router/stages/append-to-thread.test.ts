import { describe, expect, it } from 'vitest';
import { appendToThread } from '../../../src/router/stages/append-to-thread.js';
import type { Decision, Sender, TicketRef } from '../../../src/router/types.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

const ticket: TicketRef = { id: 7, key: 'TECH-1000', status: 'closed', subject: 'Website down', clientEmail: 'frontdesk@smilebright-dental.example' };
const ctx = ctxOf(testConfig({ clients: { allow: 'known', organisations: [{ name: 'Smile Bright Dental', domains: ['smilebright-dental.example'] }] } }));
const who = (kind: Sender['kind'], email: string, extra: Partial<Sender> = {}): Sender => ({ kind, email, name: '', ...extra });
const run = async (sender: Sender, t: TicketRef | null = ticket) =>
  runStage(appendToThread, await mailOf({ From: sender.email, Subject: 'Re: [TECH-1000] Website down' }), { sender, ...(t ? { ticket: t } : {}) } as Decision, ctx);

describe('append-to-thread', () => {
  it.each([
    ["the ticket's client", who('client', 'frontdesk@smilebright-dental.example')],
    ["a colleague in the client's organisation (a subdomain too)", who('client', 'anita@clinic.smilebright-dental.example', { organisation: 'Smile Bright Dental' })],
    ['verified staff', who('staff', 'joe@brightpixel.example', { staffId: 'joe' })],
  ])('appends a message from %s as one that counts', async (_n, sender) => {
    expect(await run(sender)).toEqual({ plan: { action: 'append', ticket, sender }, note: `${sender.kind} on TECH-1000` });
  });

  it.each([
    ['a stranger', who('unknown', 'stranger@elsewhere.example')],
    ['a known client of another ticket', who('client', 'maria@casalopez-tapas.example')],
    ['an unverified staff address (verify-staff made it unknown)', who('unknown', 'joe@brightpixel.example')],
  ])("keeps a message from %s as a third party's", async (_n, sender) => {
    const why = `${sender.email} is not TECH-1000's client (frontdesk@smilebright-dental.example), of its organisation, or verified staff`;
    expect(await run(sender)).toEqual({ plan: { action: 'append', ticket, sender, thirdParty: why }, note: `third party: ${why}` });
  });

  it("keeps the client's own address as a third party's when our server saw its DMARC fail (a forged From)", async () => {
    const sender = who('client', 'frontdesk@smilebright-dental.example');
    const authentication = { passed: false, failed: true, authservId: 'mx.brightpixel.example', detail: 'dmarc=fail header.from=smilebright-dental.example' };
    const r = runStage(appendToThread, await mailOf({ From: sender.email, Subject: 'Re: [TECH-1000] Website down' }), { sender, ticket, authentication } as Decision, ctx);
    expect(r).toMatchObject({ plan: { thirdParty: 'frontdesk@smilebright-dental.example is forged (dmarc=fail header.from=smilebright-dental.example at mx.brightpixel.example)' } });
  });

  it('treats every non-staff writer on a ticket without a client as a third party', async () => {
    const r = await run(who('client', 'frontdesk@smilebright-dental.example'), { ...ticket, clientEmail: null });
    expect(r).toMatchObject({ plan: { thirdParty: "frontdesk@smilebright-dental.example is not TECH-1000's client, of its organisation, or verified staff" } });
  });

  it('passes mail that found no ticket', async () => {
    expect(await run(who('client', 'frontdesk@smilebright-dental.example'), null)).toBeNull();
  });
});
