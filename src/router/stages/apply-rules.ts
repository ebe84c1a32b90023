import { evaluateRules } from '../rules.js';
import type { DescribedStage } from '../stage.js';
import type { Decision } from '../types.js';

// Routing is configuration, never code: the ordered rules from the config decide type,
// assignee and priority of a new ticket (semantics in src/router/rules.ts).

export const applyRules: DescribedStage = {
  name: 'apply-rules',
  description: 'apply the ordered routing rules: first match wins unless a rule says continue',
  run(mail, _soFar, { config }) {
    const outcome = evaluateRules(mail, config.rules);
    if (!outcome.matched.length) return null;
    const patch: Partial<Decision> = { matchedRules: outcome.matched };
    if (outcome.type) patch.typeId = outcome.type;
    if (outcome.assignee) patch.assignee = outcome.assignee;
    if (outcome.priority) patch.priority = outcome.priority;
    const set = [outcome.type && `type ${outcome.type}`, outcome.assignee && `assignee ${outcome.assignee}`, outcome.priority && `priority ${outcome.priority}`];
    return { patch, note: `${outcome.matched.join(', ')} → ${set.filter(Boolean).join(', ') || 'nothing set'}` };
  },
};
