import { describe, expect, it } from 'vitest';
import { detectOwnMail } from '../../../src/router/stages/detect-own-mail.js';
import { fakeLookup } from '../../support/fake-lookup.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

describe('detect-own-mail', () => {
  const ctx = ctxOf(testConfig({ smtp: { host: 'localhost', port: 25, from: 'Bright Pixel <noreply@brightpixel.example>' } }), fakeLookup({ ownMessageIds: ['ack.1@brightpixel.example'] }));
  it.each([
    ['our loop header', { 'X-Ticketd-Loop': 'brightpixel' }, 'own mail (loop): X-Ticketd-Loop header present'],
    ['From the support address', { From: 'Support <Support@brightpixel.example>' }, 'own mail (loop): From is our address support@brightpixel.example'],
    ['From a plus address of support', { From: 'support+seo@brightpixel.example' }, 'own mail (loop): From is our address support@brightpixel.example'],
    ['From the SMTP from address', { From: 'noreply@brightpixel.example' }, 'own mail (loop): From is our address noreply@brightpixel.example'],
    ['a Message-ID we sent', { 'Message-ID': '<ack.1@brightpixel.example>' }, 'own mail (loop): Message-ID ack.1@brightpixel.example was sent by us'],
  ])('ignores %s', async (_n, headers, reason) => {
    const result = runStage(detectOwnMail, await mailOf(headers), {}, ctx);
    expect(result && 'plan' in result ? result.plan : null).toEqual({ action: 'ignore', reason });
  });

  it('honours a configured loop header name', async () => {
    const c = ctxOf(testConfig({ loop_header: 'X-Our-Loop' }));
    expect(runStage(detectOwnMail, await mailOf({ 'X-Ticketd-Loop': 'x' }), {}, c)).toBeNull();
    expect(runStage(detectOwnMail, await mailOf({ 'X-Our-Loop': 'x' }), {}, c)).not.toBeNull();
  });

  it('passes a client mail', async () => {
    expect(runStage(detectOwnMail, await mailOf({}), {}, ctx)).toBeNull();
  });
});
