import { describe, expect, it } from 'vitest';
import { applyRules } from '../../../src/router/stages/apply-rules.js';
import { ctxOf, mailOf, runStage, testConfig } from '../../support/router.js';

const rules = [
  { name: 'seo-plus-address', match: [{ field: 'to', op: 'equals', value: 'support+seo@brightpixel.example' }], set: { type: 'seo' } },
  { name: 'urgent-subject', match: [{ field: 'subject', op: 'matches', value: '\\b(urgent|asap|down)\\b' }], set: { priority: 'urgent' }, continue: true },
  { name: 'refund', match: [{ field: 'body', op: 'contains', value: 'refund' }], set: { type: 'refund' } },
  { name: 'website-down', match: [{ field: 'subject', op: 'contains', value: 'website' }], set: { type: 'tech', priority: 'high' } },
];
const ctx = ctxOf(testConfig({ rules }));

describe('apply-rules', () => {
  it('routes by plus address on To', async () => {
    const r = runStage(applyRules, await mailOf({ To: 'Support <support+seo@brightpixel.example>' }), {}, ctx);
    expect(r).toEqual({ patch: { matchedRules: ['seo-plus-address'], typeId: 'seo' }, note: 'seo-plus-address → type seo' });
  });

  it('routes by Delivered-To when the plus address is only on the envelope', async () => {
    const r = runStage(applyRules, await mailOf({ 'Delivered-To': 'support+seo@brightpixel.example' }), {}, ctx);
    expect(r).toMatchObject({ patch: { typeId: 'seo' } });
  });

  it('stops at the first match', async () => {
    const r = runStage(applyRules, await mailOf({ To: 'support+seo@brightpixel.example', Subject: 'website' }, 'refund please'), {}, ctx);
    expect(r).toMatchObject({ patch: { matchedRules: ['seo-plus-address'], typeId: 'seo' } });
  });

  it('goes on after a continue rule, and the first rule to set a field keeps it', async () => {
    const r = runStage(applyRules, await mailOf({ Subject: 'Website down ASAP' }), {}, ctx);
    expect(r).toEqual({
      patch: { matchedRules: ['urgent-subject', 'website-down'], typeId: 'tech', priority: 'urgent' },
      note: 'urgent-subject, website-down → type tech, priority urgent',
    });
  });

  it('matches the body case-insensitively, quoted forwards included', async () => {
    const r = runStage(applyRules, await mailOf({ Subject: 'Fwd: invoice' }, 'see below\n\n---------- Forwarded message ---------\nFrom: Bank <alerts@bank.example>\nDate: today\n\nYour REFUND was rejected\n'), {}, ctx);
    expect(r).toMatchObject({ patch: { typeId: 'refund' } });
  });

  it('says nothing when no rule matches', async () => {
    expect(runStage(applyRules, await mailOf({ Subject: 'Hello' }, 'a question'), {}, ctx)).toBeNull();
  });
});
