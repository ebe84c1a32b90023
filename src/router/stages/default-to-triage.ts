import { senderOf } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// The last stage always plans: a new ticket of the rules' type, else the triage type (the
// leads' queue). Assignee: the rule's, else the type's own (null for triage: leads assign).

export const defaultToTriage: DescribedStage = {
  name: 'default-to-triage',
  description: "create a ticket: the rules' type and assignee, else the triage type; priority normal unless set",
  run(mail, soFar, { config }) {
    const typeId = soFar.typeId ?? config.triage_type;
    const type = config.request_types.find((t) => t.id === typeId);
    const assignee = soFar.assignee !== undefined ? soFar.assignee : (type?.assignee ?? null);
    const priority = soFar.priority ?? 'normal';
    const how = soFar.typeId ? `by rule ${soFar.matchedRules?.join(', ') ?? ''}`.trim() : 'no rule matched: triage';
    return {
      plan: { action: 'create', typeId, assignee, priority, sender: senderOf(mail, soFar) },
      note: `${typeId} → ${assignee ?? 'unassigned'} (${how})`,
    };
  },
};
