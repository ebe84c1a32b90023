import type { DaemonPart } from './daemon.js';

// What runs in the daemon beside the mailbox loop, in one list (the outbox adds its part
// here: change hooks that enqueue mail, a delivery loop, a drain for `run --once`).
export const daemonParts: readonly DaemonPart[] = Object.freeze([]);
