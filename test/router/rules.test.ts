import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/config/schema.js';
import { conditionHolds, evaluateRules, valuePasses } from '../../src/router/rules.js';
import { mailOf } from '../support/router.js';

describe('rule operators', () => {
  it.each([
    ['equals', 'Billing ', 'billing', true],
    ['equals', 'billing question', 'billing', false],
    ['contains', 'Refund request', 'REFUND', true],
    ['matches', 'Invoice #123', '^invoice\\s#\\d+$', true],
    ['matches', 'My invoice', '^invoice', false],
    ['domain', 'dr@smilebright-dental.example', 'smilebright-dental.example', true],
    ['domain', 'dr@mail.smilebright-dental.example', 'SMILEBRIGHT-DENTAL.example', true],
    ['domain', 'dr@evilsmilebright-dental.example', 'smilebright-dental.example', false],
    ['domain', 'smilebright-dental.example', 'smilebright-dental.example', false],
  ] as const)('%s(%j, %j) is %s', (op, value, expected, result) => {
    expect(valuePasses(value, op, expected)).toBe(result);
  });
});

describe('rule fields', () => {
  it('reads header:<name> values case-insensitively', async () => {
    const mail = await mailOf({ 'X-Form-Source': 'Website Contact Form' });
    expect(conditionHolds(mail, { field: 'header:x-form-source', op: 'contains', value: 'contact form' })).toBe(true);
    expect(conditionHolds(mail, { field: 'header:X-Missing', op: 'contains', value: 'x' })).toBe(false);
  });
  it('matches from on the display name as well as the address', async () => {
    const mail = await mailOf({ From: 'Facebook <notification@facebookmail.example>' });
    expect(conditionHolds(mail, { field: 'from', op: 'equals', value: 'facebook' })).toBe(true);
    expect(conditionHolds(mail, { field: 'from', op: 'domain', value: 'facebookmail.example' })).toBe(true);
  });
  it('needs every condition of a rule', async () => {
    const rule: Rule = {
      name: 'both',
      match: [
        { field: 'subject', op: 'contains', value: 'invoice' },
        { field: 'from', op: 'domain', value: 'casalopez-tapas.example' },
      ],
      set: { type: 'billing' },
      continue: false,
    };
    expect(evaluateRules(await mailOf({ Subject: 'Invoice' }), [rule]).matched).toEqual(['both']);
    expect(evaluateRules(await mailOf({ Subject: 'Invoice', From: 'a@b.example' }), [rule]).matched).toEqual([]);
  });
});
