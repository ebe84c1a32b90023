import type { RequestKind } from './corpus.js';
import type { Shape } from './generate.js';

// What the parent hands each phase and what the phases answer (plain JSON over IPC).

export interface ImapTarget {
  port: number;
  user: string;
  password: string;
}

export interface MailboxSummary {
  count: number;
  bytes: number;
  shapes: Record<Shape, number>;
  /** New client requests (each should become one ticket), by request type. */
  originals: Record<RequestKind, number>;
  /** Follow-ups threading onto an earlier request (appended, no new ticket). */
  replies: number;
}

export interface Timed {
  count: number;
  seconds: number;
}
