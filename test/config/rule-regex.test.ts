import { describe, expect, it } from 'vitest';
import { compileRulePattern } from '../../src/config/rule-regex.js';
import { parseConfig } from '../../src/config/load.js';
import { valuePasses } from '../../src/router/rules.js';

describe('rule patterns on RE2', () => {
  it('match case-insensitively, as documented, including non-ASCII letters', () => {
    expect(valuePasses('URGENT: Website DOWN', 'matches', '\\b(urgent|asap)\\b')).toBe(true);
    expect(valuePasses('Réclamation facture', 'matches', '^réclamation')).toBe(true);
    expect(valuePasses('ÄNDERUNG der Rechnung', 'matches', 'änderung')).toBe(true);
    expect(valuePasses('support+FB@example.com', 'matches', '^support\\+(fb|facebook)@example\\.com$')).toBe(true);
    expect(valuePasses('my invoice', 'matches', '^invoice')).toBe(false);
  });

  it.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'refund(?=now)'],
    ['a negative lookahead', '^(?!re:)'],
    ['a lookbehind', '(?<=re: )refund'],
    ['an unclosed group', '(unclosed'],
  ])('refuse %s with a reason', (_what, pattern) => {
    expect(() => compileRulePattern(pattern)).toThrow(/invalid regex \(RE2 syntax, linear time: no backreferences or lookaround\): /);
  });

  it('a config with an unsupported pattern names the rule path', () => {
    const problems = (() => {
      try {
        parseConfig(
          {
            database: 'x.sqlite',
            data_dir: 'data',
            support_address: 'support@agency.example',
            mailbox: { host: '127.0.0.1', port: 143, user: 'u', password: 'p' },
            staff: [{ id: 'lee', name: 'Lee', email: 'lee@agency.example', role: 'lead' }],
            request_types: [{ id: 'triage', prefix: 'TRI', label: 'Triage' }],
            triage_type: 'triage',
            rules: [
              { name: 'ok', match: [{ field: 'subject', op: 'matches', value: 'refund' }], set: {} },
              { name: 'echo', match: [{ field: 'subject', op: 'contains', value: 'x' }, { field: 'body', op: 'matches', value: '(\\w+) \\1' }], set: {} },
            ],
          },
          '/tmp',
        );
        return [];
      } catch (err) {
        return (err as { problems: string[] }).problems;
      }
    })();
    expect(problems).toEqual([expect.stringMatching(/^rules\.1\.match\.1\.value: invalid regex \(RE2 syntax, .*\\1/)]);
  });
});
