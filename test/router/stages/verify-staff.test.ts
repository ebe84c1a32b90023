import { describe, expect, it } from 'vitest';
import { verifyStaff } from '../../../src/router/stages/verify-staff.js';
import type { Decision, Sender } from '../../../src/router/types.js';
import { mailOf, runStage } from '../../support/router.js';

const seth: Sender = { kind: 'staff', email: 'seth@brightpixel.example', name: 'Seth Moreau', staffId: 'seth' };
const run = async (soFar: Decision) => runStage(verifyStaff, await mailOf({ From: 'Seth M <seth@brightpixel.example>' }), soFar);

describe('verify-staff', () => {
  it('keeps a staff From whose DMARC passed at our server', async () => {
    const authentication = { passed: true, failed: false, authservId: 'mx.brightpixel.example', detail: 'dmarc=pass header.from=brightpixel.example' };
    expect(await run({ sender: seth, authentication })).toEqual({
      patch: {},
      note: 'staff seth verified: dmarc=pass header.from=brightpixel.example (mx.brightpixel.example)',
    });
  });

  it('turns a staff From into an unknown sender without trusted results configured, with no answer to it', async () => {
    expect(await run({ sender: seth })).toEqual({
      patch: {
        sender: { kind: 'unknown', email: 'seth@brightpixel.example', name: 'Seth M' },
        unverifiedStaff: { staffId: 'seth', reason: 'no trusted Authentication-Results configured (mail_auth.trusted_authserv_ids)' },
        noAutoAnswer: 'unverified staff address seth@brightpixel.example',
      },
      note: 'unverified staff address seth@brightpixel.example (seth): no trusted Authentication-Results configured (mail_auth.trusted_authserv_ids); handled as an unknown sender',
    });
  });

  it('turns a staff From whose DMARC failed into an unknown sender, saying why', async () => {
    const authentication = { passed: false, failed: true, authservId: 'mx.brightpixel.example', detail: 'dmarc=fail header.from=brightpixel.example' };
    const r = await run({ sender: seth, authentication, noAutoAnswer: 'sender not authenticated' });
    expect(r).toMatchObject({
      patch: {
        sender: { kind: 'unknown' },
        unverifiedStaff: { staffId: 'seth', reason: 'not authenticated: dmarc=fail header.from=brightpixel.example' },
        noAutoAnswer: 'sender not authenticated; unverified staff address seth@brightpixel.example',
      },
    });
  });

  it('has nothing to say about clients and unknown senders', async () => {
    expect(await run({ sender: { kind: 'client', email: 'maria@casalopez-tapas.example', name: 'Maria' } })).toBeNull();
    expect(await run({})).toBeNull();
  });
});
