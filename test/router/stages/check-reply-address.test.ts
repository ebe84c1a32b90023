import { describe, expect, it } from 'vitest';
import { replyAddress } from '../../../src/mail/reply-address.js';
import { checkReplyAddress } from '../../../src/router/stages/check-reply-address.js';
import type { Decision } from '../../../src/router/types.js';
import { fakeLookup } from '../../support/fake-lookup.js';
import { mailOf, testConfig } from '../../support/router.js';

const config = testConfig({
  reply_addresses: { keys: [{ version: 1, secret: 'a secret for the tests' }] },
  staff: [
    { id: 'olivia', name: 'Olivia Grant', email: 'olivia@brightpixel.example', role: 'agent' },
    { id: 'joe', name: 'IT Joe', email: 'joe@brightpixel.example', role: 'agent' },
    { id: 'seth', name: 'Seth Moreau', email: 'seth@brightpixel.example', role: 'agent', aliases: ['seth.phone@mobile.example'] },
    { id: 'dana', name: 'Dana Lead', email: 'dana@brightpixel.example', role: 'lead' },
  ],
});
const now = new Date('2026-11-27T12:00:00Z');
const ticket = { id: 12, key: 'SEO-1012', status: 'open' as const, subject: 'Listing gone', clientEmail: 'maria@casalopez-tapas.example' };
const ctx = { config, lookup: fakeLookup({ tickets: [ticket] }), now: () => now };
const signed = (staffId = 'seth', issued = now) => replyAddress(config, { ticketId: 12, staffId, issued })!;

async function run(from: string, to: string, soFar: Decision = {}) {
  return checkReplyAddress.run(await mailOf({ From: from, To: to, Subject: 'Re: [SEO-1012] Listing gone' }, '#tbc\nDone.\n'), soFar, ctx);
}

describe('check-reply-address', () => {
  it('plans staff mail when the token verifies for the From', async () => {
    expect(await run('Seth <seth@brightpixel.example>', signed())).toMatchObject({
      plan: { action: 'staff-mail', ticket: { key: 'SEO-1012' }, sender: { kind: 'staff', staffId: 'seth' } },
      patch: { signedReply: { ticketId: 12, staffId: 'seth' } },
    });
  });

  it('a genuine token proves nothing with a second From address, or when our server did not pass the From (permerror, temperror, fail)', async () => {
    expect(await run('seth@brightpixel.example, evil@evil.example', signed())).not.toMatchObject({ plan: { action: 'staff-mail' } });
    for (const detail of ['dmarc=permerror header.from=brightpixel.example', 'dmarc=temperror header.from=brightpixel.example', 'dmarc=fail header.from=brightpixel.example']) {
      const authentication = { passed: false, failed: detail.startsWith('dmarc=fail'), authservId: 'mx.brightpixel.example', detail };
      expect(await run('seth@brightpixel.example', signed(), { authentication }), detail).not.toMatchObject({ plan: { action: 'staff-mail' } });
    }
    // No DMARC word at all (authenticated submission is often not checked): the token is the proof.
    const quiet = { passed: false, failed: false, authservId: 'mx.brightpixel.example', detail: 'no DMARC result' };
    expect(await run('seth@brightpixel.example', signed(), { authentication: quiet })).toMatchObject({ plan: { action: 'staff-mail' } });
  });

  it('an address copied to someone outside acts only with a DMARC pass from then on; one issued on a later day is new', async () => {
    const lookup = fakeLookup({ tickets: [ticket], exposed: [{ ticketId: 12, staffId: 'seth', at: new Date('2026-11-27T09:30:00Z') }] });
    const exposedCtx = { ...ctx, lookup };
    const go = async (to: string, soFar: Decision = {}) =>
      checkReplyAddress.run(await mailOf({ From: 'seth@brightpixel.example', To: to, Subject: 'Re: [SEO-1012] Listing gone' }, '#close\nDone.\n'), soFar, exposedCtx);
    // The client who was copied writes "From: seth": no trusted results, or none about DMARC.
    const quiet = { passed: false, failed: false, authservId: 'mx.brightpixel.example', detail: 'no DMARC result' };
    for (const soFar of [{}, { authentication: quiet }]) {
      expect(await go(signed(), soFar)).toMatchObject({
        plan: { action: 'append', ticket: { key: 'SEO-1012' }, thirdParty: expect.stringContaining('copied to someone outside') },
        patch: { replyAddressRefused: { explainTo: 'seth' } },
      });
    }
    // Issued the day before the copy: the same may have been quoted in it, so also refused.
    expect(await go(signed('seth', new Date('2026-11-26T08:00:00Z')))).not.toMatchObject({ plan: { action: 'staff-mail' } });
    // Seth's own server vouches for him: still his.
    const pass = { passed: true, failed: false, authservId: 'mx.brightpixel.example', detail: 'dmarc=pass header.from=brightpixel.example' };
    expect(await go(signed(), { authentication: pass })).toMatchObject({ plan: { action: 'staff-mail' } });
    // A mail of ours from a later day carries a token the outsider never saw.
    const later = new Date('2026-11-28T08:00:00Z');
    const next = await checkReplyAddress.run(
      await mailOf({ From: 'seth@brightpixel.example', To: signed('seth', later), Subject: 'Re: [SEO-1012] Listing gone' }, '#close\nDone.\n'),
      {},
      { ...exposedCtx, now: () => later },
    );
    expect(next).toMatchObject({ plan: { action: 'staff-mail' } });
    // Another staff member's address on the same ticket was not copied.
    const joe = await checkReplyAddress.run(await mailOf({ From: 'joe@brightpixel.example', To: signed('joe'), Subject: 'Re: x' }, 'ok\n'), {}, exposedCtx);
    expect(joe).toMatchObject({ plan: { action: 'staff-mail' } });
  });

  it('accepts one of the staff member\'s aliases as From', async () => {
    expect(await run('seth.phone@mobile.example', signed())).toMatchObject({ plan: { action: 'staff-mail', sender: { staffId: 'seth' } } });
  });

  it('keeps a genuine token from another staff member as a third party message, explaining to the owner', async () => {
    const r = await run('joe@brightpixel.example', signed());
    expect(r).toMatchObject({
      plan: { action: 'append', ticket: { key: 'SEO-1012' }, sender: { kind: 'unknown' }, thirdParty: expect.stringContaining('not seth') },
      patch: { replyAddressRefused: { explainTo: 'seth' } },
    });
  });

  it("hands the ticket's own client, answering all on a staff mail that copied them, to threading as their reply", async () => {
    expect(await run('Maria <Maria@casalopez-tapas.example>', signed())).toMatchObject({ patch: { ticket: { key: 'SEO-1012' } } });
    // Anyone else outside with the token is still a third party, and the owner hears.
    expect(await run('pedro@casalopez-tapas.example', signed())).toMatchObject({ plan: { action: 'append', thirdParty: expect.any(String) }, patch: { replyAddressRefused: { explainTo: 'seth' } } });
  });

  it('marks a valid token leaked when someone outside uses it, or a staff From our server saw forged; not for a colleague or an auto-reply', async () => {
    expect((await run('pedro@elsewhere.example', signed()))!.patch).toMatchObject({ replyAddressRefused: { explainTo: 'seth', leaked: 'seth' } });
    const authentication = { passed: false, failed: true, authservId: 'mx', detail: 'dmarc=fail' };
    expect((await run('seth@brightpixel.example', signed(), { authentication }))!.patch).toMatchObject({ replyAddressRefused: { leaked: 'seth' } });
    expect((await run('joe@brightpixel.example', signed()))!.patch?.replyAddressRefused).not.toHaveProperty('leaked');
    expect((await run('pedro@elsewhere.example', signed(), { autoGenerated: 'Auto-Submitted: auto-replied' }))!.patch?.replyAddressRefused).not.toHaveProperty('leaked');
    // A DNS hiccup (temperror) at our server is no sign of a leak.
    const temp = { passed: false, failed: false, authservId: 'mx', detail: 'dmarc=temperror header.from=brightpixel.example' };
    expect((await run('seth@brightpixel.example', signed(), { authentication: temp }))!.patch?.replyAddressRefused).not.toHaveProperty('leaked');
  });

  it('ignores a tampered token, explaining to the staff member the From names', async () => {
    const address = signed();
    const at = address.indexOf('@');
    const tampered = `${address.slice(0, at - 1)}${address[at - 1] === 'a' ? 'b' : 'a'}${address.slice(at)}`;
    expect(await run('seth@brightpixel.example', tampered)).toMatchObject({
      plan: { action: 'ignore', reason: 'mail to a signed reply address whose token does not verify' },
      patch: { replyAddressRefused: { explainTo: 'seth' } },
    });
  });

  it('refuses an expired token as a third party message on its ticket', async () => {
    const r = await run('seth@brightpixel.example', signed('seth', new Date('2026-06-01T00:00:00Z')));
    expect(r).toMatchObject({ plan: { action: 'append', thirdParty: expect.stringContaining('expired') }, patch: { replyAddressRefused: { explainTo: 'seth' } } });
  });

  it('refuses a valid token whose From our server saw fail DMARC', async () => {
    const authentication = { passed: false, failed: true, authservId: 'mx', detail: 'dmarc=fail' };
    expect(await run('seth@brightpixel.example', signed(), { authentication })).toMatchObject({ plan: { action: 'append', thirdParty: expect.stringContaining('forged') } });
  });

  it('records an auto-reply to a signed address on the ticket and explains nothing', async () => {
    expect(await run('seth@brightpixel.example', signed(), { autoGenerated: 'Auto-Submitted: auto-replied' })).toMatchObject({
      plan: { action: 'ignore', ticket: { key: 'SEO-1012' } },
    });
    const r = await run('joe@brightpixel.example', signed(), { autoGenerated: 'Auto-Submitted: auto-replied' });
    expect(r).toMatchObject({ plan: { action: 'ignore' }, patch: { replyAddressRefused: { explainTo: null } } });
  });

  it('has nothing to say about mail to the plain support address', async () => {
    expect(await run('seth@brightpixel.example', 'support@brightpixel.example')).toBeNull();
  });
});
