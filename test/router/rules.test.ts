import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/config/schema.js';
import { RULE_VALUE_MAX, conditionHolds, evaluateRules, fieldValues, valuePasses } from '../../src/router/rules.js';
import { fakeMail } from '../support/mail.js';
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

describe('rules on hostile bodies', () => {
  const rule = (op: 'contains' | 'matches', value: string): Rule => ({ name: 'r', match: [{ field: 'body', op, value }], set: { type: 'billing' }, continue: false });
  const body = (text: string) => fakeMail({ text, visibleText: text });

  it('sees only the first RULE_VALUE_MAX characters of a value', () => {
    const late = body(`${'x'.repeat(RULE_VALUE_MAX)} refund`);
    expect(fieldValues(late, 'body')).toEqual(['x'.repeat(RULE_VALUE_MAX)]);
    expect(evaluateRules(late, [rule('contains', 'refund')]).matched).toEqual([]);
    expect(evaluateRules(body(`refund ${'x'.repeat(RULE_VALUE_MAX)}`), [rule('contains', 'refund')]).matched).toEqual(['r']);
  });

  it('a pattern that backtracks on a 2 MB body runs on the first 100 KB only', () => {
    // ".*urgent" rescans to the end from every "refund": minutes on the whole body.
    const hostile = body('refund '.repeat(300_000));
    expect(evaluateRules(hostile, [rule('matches', 'refund.*urgent')]).matched).toEqual([]);
  });
});
