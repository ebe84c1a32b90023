import type { Config } from '../config/schema.js';
import type { DaemonPart } from './daemon-part.js';
import { outboxPart } from './outbox-part.js';
import { schedulePart } from './schedule-part.js';

// What runs in the daemon beside the mailbox loop, in one list. A function of the config:
// parts compile what they need (the outbox its templates) before anything starts.
export const daemonParts = (config: Config): readonly DaemonPart[] => Object.freeze([outboxPart(config), schedulePart(config)]);
