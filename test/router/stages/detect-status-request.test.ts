import { describe, expect, it } from 'vitest';
import { detectStatusRequest } from '../../../src/router/stages/detect-status-request.js';
import type { Sender } from '../../../src/router/types.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

const client: Sender = { kind: 'client', email: 'maria@casalopez-tapas.example', name: 'Maria Lopez' };
const staff: Sender = { kind: 'staff', email: 'seth@brightpixel.example', name: 'Seth', staffId: 'seth' };

describe('detect-status-request', () => {
  it.each([
    ['subject "status"', { Subject: 'status' }, 'Hi'],
    ['subject "Status?"', { Subject: ' Status? ' }, 'Hi'],
    ['first line "status" with an empty subject', { Subject: '' }, '\nstatus\n\n-- \nMaria'],
    ['first line "STATUS ?"', { Subject: 'question' }, 'STATUS ?\nthanks'],
  ])('answers %s', async (_n, headers, body) => {
    const r = runStage(detectStatusRequest, await mailOf(headers, body), { sender: client });
    expect(r).toMatchObject({ plan: { action: 'status-request', sender: client } });
  });

  it.each([
    ['a sentence with the word', { Subject: 'Status of my refund' }, 'Hi'],
    ['the word on a later line', { Subject: 'question' }, 'Hello\nstatus'],
  ])('does not answer %s', async (_n, headers, body) => {
    expect(runStage(detectStatusRequest, await mailOf(headers, body), { sender: client })).toBeNull();
  });

  it('does not answer staff', async () => {
    expect(runStage(detectStatusRequest, await mailOf({ Subject: 'status' }), { sender: staff })).toBeNull();
  });

  it('answers an unknown sender only when any sender may write', async () => {
    const unknown: Sender = { kind: 'unknown', email: 'x@new.example', name: '' };
    const mail = await mailOf({ Subject: 'status' });
    expect(runStage(detectStatusRequest, mail, { sender: unknown })).not.toBeNull();
    expect(runStage(detectStatusRequest, mail, { sender: unknown }, ctxOf(testConfig({ clients: { allow: 'known' } })))).toBeNull();
  });

  it('uses the configured words', async () => {
    const ctx = ctxOf(testConfig({ status_request: { words: ['status', 'Stand'] } }));
    expect(runStage(detectStatusRequest, await mailOf({ Subject: 'stand?' }), { sender: client }, ctx)).not.toBeNull();
  });
});
