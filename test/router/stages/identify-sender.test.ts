import { describe, expect, it } from 'vitest';
import { identifySender } from '../../../src/router/stages/identify-sender.js';
import { fakeLookup } from '../../support/fake-lookup.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

describe('identify-sender', () => {
  const ctx = ctxOf(
    testConfig({ clients: { organisations: [{ name: 'Smile Bright Dental', domains: ['smilebright-dental.example'] }] } }),
    fakeLookup({ knownClients: ['maria@casalopez-tapas.example'] }),
  );
  const senderFor = async (headers: Record<string, string>) => {
    const r = runStage(identifySender, await mailOf(headers), {}, ctx);
    return r && 'patch' in r ? r.patch?.sender : r;
  };

  it('recognises staff by configured address, case-insensitively', async () => {
    expect(await senderFor({ From: 'Seth <Seth@BrightPixel.example>' })).toEqual({ kind: 'staff', email: 'seth@brightpixel.example', name: 'Seth', staffId: 'seth' });
  });

  it('recognises a client by organisation domain and subdomain', async () => {
    expect(await senderFor({ From: 'Front Desk <frontdesk@smilebright-dental.example>' })).toMatchObject({ kind: 'client', organisation: 'Smile Bright Dental' });
    expect(await senderFor({ From: 'dr.patel@mail.smilebright-dental.example' })).toMatchObject({ kind: 'client', organisation: 'Smile Bright Dental' });
  });

  it('recognises a client we know from earlier mail', async () => {
    expect(await senderFor({})).toEqual({ kind: 'client', email: 'maria@casalopez-tapas.example', name: 'Maria Lopez' });
  });

  it('calls a stranger unknown', async () => {
    expect(await senderFor({ From: 'someone@newshop.example' })).toMatchObject({ kind: 'unknown', email: 'someone@newshop.example' });
  });

  it('goes by From, not Reply-To (Reply-To can name anyone)', async () => {
    expect(await senderFor({ From: 'someone@newshop.example', 'Reply-To': 'seth@brightpixel.example' })).toMatchObject({ kind: 'unknown' });
  });

  it('does not match a domain that merely ends with the organisation domain', async () => {
    expect(await senderFor({ From: 'x@notsmilebright-dental.example' })).toMatchObject({ kind: 'unknown' });
  });

  it('ignores a mail without From', async () => {
    const r = runStage(identifySender, await mailOf({ From: '' }), {}, ctx);
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason: 'no From address: nobody to answer' });
  });
});
