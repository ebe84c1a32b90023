import { RE2JS } from 're2js';
import { TicketdError, errorMessage } from '../errors.js';

// Rule patterns (`op: matches`) run on RE2 (the re2js port: pure JavaScript, no native build),
// which decides a match in time linear in the text. JavaScript's own RegExp backtracks: a
// pattern like `(\w+\s?)+:` takes seconds on a 40-character subject and would freeze the
// daemon's only thread (IMAP, commits, outbox) on every mail that reaches the rule.
// RE2 has no backreferences or lookaround; such a pattern is a config error, not a slow rule.

export interface RulePattern {
  test(text: string): boolean;
}

/** Compile a rule pattern, case-insensitive as rules are documented; a CONFIG error if RE2 refuses it. */
export function compileRulePattern(pattern: string): RulePattern {
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    // re2js quotes the pattern with the flag it added in front: show the user's own text.
    const why = errorMessage(err).replace(/^error parsing regexp: /, '').replace('`(?i)', '`');
    throw new TicketdError('CONFIG', `invalid regex (RE2 syntax, linear time: no backreferences or lookaround): ${why}`, { cause: err });
  }
}
