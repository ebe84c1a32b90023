import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import type { ChangeHook } from '../tickets/changes.js';
import type { PassStats } from './ingest-pass.js';

// What a part of the daemon is, apart from the daemon that runs the parts: the parts
// (daemon-parts.ts, outbox-part.ts) and the daemon import this, never each other in a circle.

export interface DaemonContext {
  config: Readonly<Config>;
  db: Db;
  log: Logger;
  /** Aborted on SIGTERM/SIGINT: finish what is in hand and return. */
  signal: AbortSignal;
}

/** Something that runs beside the mailbox loop (the outbox). Every member is optional. */
export interface DaemonPart {
  name: string;
  /** Called inside each message's transaction, so what they write commits with it. */
  hooks?: readonly ChangeHook[];
  /** After every mailbox pass (e.g. wake the delivery loop: new rows may be due). */
  afterPass?(ctx: DaemonContext, stats: PassStats): void;
  /** `run --once`: after the mailbox pass, e.g. drain the outbox; then the daemon exits. */
  once?(ctx: DaemonContext): Promise<void>;
  /** The long-running loop; must return soon after ctx.signal aborts. */
  run?(ctx: DaemonContext): Promise<void>;
}
