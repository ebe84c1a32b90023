import { describe, expect, it } from 'vitest';
import { defaultToTriage } from '../../../src/router/stages/default-to-triage.js';
import type { Sender } from '../../../src/router/types.js';
import { mailOf, runStage } from '../../support/router.js';

const sender: Sender = { kind: 'client', email: 'maria@casalopez-tapas.example', name: 'Maria Lopez' };

describe('default-to-triage', () => {
  it('creates a triage ticket, unassigned, normal priority, when no rule matched', async () => {
    const r = runStage(defaultToTriage, await mailOf({}), { sender });
    expect(r).toMatchObject({ plan: { action: 'create', typeId: 'triage', assignee: null, priority: 'normal', sender } });
  });
  it("takes the rule's type with that type's assignee", async () => {
    const r = runStage(defaultToTriage, await mailOf({}), { sender, typeId: 'refund', matchedRules: ['refund'] });
    expect(r).toMatchObject({ plan: { action: 'create', typeId: 'refund', assignee: 'olivia', priority: 'normal' } });
  });
  it("takes the rule's assignee and priority over the type's", async () => {
    const r = runStage(defaultToTriage, await mailOf({}), { sender, typeId: 'refund', assignee: 'joe', priority: 'high' });
    expect(r).toMatchObject({ plan: { typeId: 'refund', assignee: 'joe', priority: 'high' } });
  });
  it('uses the From address as an unknown sender when nobody identified it', async () => {
    const r = runStage(defaultToTriage, await mailOf({}), {});
    expect(r).toMatchObject({ plan: { sender: { kind: 'unknown', email: 'maria@casalopez-tapas.example' } } });
  });
});
