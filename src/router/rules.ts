import { compileRulePattern, type RulePattern } from '../config/rule-regex.js';
import type { Rule, RuleCondition } from '../config/schema.js';
import { domainOf, headerValues, inDomain } from './mail-fields.js';
import type { Priority } from '../tickets/status.js';
import type { Mail } from './types.js';

// Pure rule matching. A rule matches when every condition in its `match` list holds; a
// condition holds when any value of its field passes the operator. All comparisons ignore case.

// Patterns run on RE2 (linear time, see config/rule-regex.ts), but the text they run on is
// hostile: linear in a 20 MB body is still 20 MB per rule. Rules therefore see only the first
// 100 KB of any value (body, subject, header), which is where a request says what it is.
export const RULE_VALUE_MAX = 100 * 1024;

/** The values a field offers to a condition, each cut to RULE_VALUE_MAX characters. */
export function fieldValues(mail: Readonly<Mail>, field: string): string[] {
  return allFieldValues(mail, field).map((v) => (v.length > RULE_VALUE_MAX ? v.slice(0, RULE_VALUE_MAX) : v));
}

function allFieldValues(mail: Readonly<Mail>, field: string): string[] {
  if (field === 'from') return mail.from ? [mail.from.address, mail.from.name].filter(Boolean) : [];
  // Every recipient, plus addresses included (support+seo@…), Delivered-To and X-Original-To.
  if (field === 'to') return mail.recipients;
  if (field === 'subject') return [mail.subject];
  // The new text first; the full text too, so a forwarded request still matches its content.
  if (field === 'body') return mail.visibleText === mail.text ? [mail.text] : [mail.visibleText, mail.text];
  if (field.startsWith('header:')) return headerValues(mail, field.slice('header:'.length));
  return [];
}

// Config is validated at load, so a pattern always compiles; cache it per pattern string.
const regexCache = new Map<string, RulePattern>();
function regex(pattern: string): RulePattern {
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, (re = compileRulePattern(pattern)));
  return re;
}

export function valuePasses(value: string, op: RuleCondition['op'], expected: string): boolean {
  switch (op) {
    case 'equals':
      return value.trim().toLowerCase() === expected.trim().toLowerCase();
    case 'contains':
      return value.toLowerCase().includes(expected.toLowerCase());
    case 'matches':
      return regex(expected).test(value);
    case 'domain':
      // Applies to addresses only: the value's domain is the expected one or a subdomain of it.
      return value.includes('@') && inDomain(domainOf(value), expected);
  }
}

export function conditionHolds(mail: Readonly<Mail>, c: RuleCondition): boolean {
  return fieldValues(mail, c.field).some((v) => valuePasses(v, c.op, c.value));
}

export function ruleMatches(mail: Readonly<Mail>, rule: Rule): boolean {
  return rule.match.every((c) => conditionHolds(mail, c));
}

export interface RuleOutcome {
  type?: string;
  assignee?: string;
  priority?: Priority;
  matched: string[];
}

/**
 * Evaluate rules in order. The first matching rule ends evaluation unless it says `continue`;
 * each field keeps the value of the first matching rule that set it ("first match wins" per
 * field), so a later, more general rule can fill in what an earlier one left open.
 */
export function evaluateRules(mail: Readonly<Mail>, rules: readonly Rule[]): RuleOutcome {
  const out: RuleOutcome = { matched: [] };
  for (const rule of rules) {
    if (!ruleMatches(mail, rule)) continue;
    out.matched.push(rule.name);
    out.type ??= rule.set.type;
    out.assignee ??= rule.set.assignee;
    out.priority ??= rule.set.priority;
    if (!rule.continue) break;
  }
  return out;
}
