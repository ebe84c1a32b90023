import { describe, expect, it } from 'vitest';
import { refuseUnknownSender } from '../../../src/router/stages/refuse-unknown-sender.js';
import type { Sender } from '../../../src/router/types.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

const unknown: Sender = { kind: 'unknown', email: 'x@newshop.example', name: '' };

describe('refuse-unknown-sender', () => {
  it('refuses an unknown sender when clients.allow is known', async () => {
    const r = runStage(refuseUnknownSender, await mailOf({}), { sender: unknown }, ctxOf(testConfig({ clients: { allow: 'known' } })));
    expect(r).toMatchObject({ plan: { action: 'refuse', reason: 'unknown sender x@newshop.example: clients.allow is "known"', sender: unknown } });
  });
  it('lets everyone in when clients.allow is any', async () => {
    expect(runStage(refuseUnknownSender, await mailOf({}), { sender: unknown })).toBeNull();
  });
  it('lets a known client in', async () => {
    const client: Sender = { ...unknown, kind: 'client' };
    expect(runStage(refuseUnknownSender, await mailOf({}), { sender: client }, ctxOf(testConfig({ clients: { allow: 'known' } })))).toBeNull();
  });
});
