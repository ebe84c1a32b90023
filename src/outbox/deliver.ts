import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import type { Logger } from '../log.js';
import { nowIso, syncCommits, type Db } from '../store/db.js';
import {
  claimOutbox,
  dueOutbox,
  markFailed,
  markPostponed,
  markRetry,
  markSent,
  nextDueAt,
  releaseStaleClaims,
  type OutboxRow,
  outboxFiles,
  type OutboxFile,
} from '../store/outbox.js';
import { claimant, isStaleClaim } from './claims.js';
import { failureText, isPermanent } from './is-permanent.js';
import { PlaintextRefusedError, smtpStartTls, smtpTlsRefusal } from '../tls-policy.js';
import { LoginFailedError, smtpLoginFailure } from '../login-failure.js';
import { loginBackoff, nextDelayMs } from '../ingest/backoff.js';
import { mailboxProblem } from './recipient.js';
import { FROM_NAME_HEADER } from './enqueue.js';

// Delivers due outbox rows over pooled SMTP. A row is claimed ('sending') by one statement
// before it is sent, so concurrent deliverers never send the same row, and marked sent by ONE
// statement right after the server accepted it. A crash (or failed mark) between the two, or
// a claim wrongly judged abandoned, are the only ways a mail goes out twice (and then it is
// the same mail: same Message-ID, same thread).

/** Mail the server accepted that could not be marked sent: delivery stops rather than send it again. */
export class UnmarkedMailError extends TicketdError {
  constructor(readonly ids: number[], cause: unknown) {
    super('STORE', `${ids.length} mail(s) accepted by the SMTP server could not be marked sent (outbox ${ids.join(', ')})`, { cause });
    this.name = 'UnmarkedMailError';
  }
}

// Per database file, the ids of such mails. This process never hands them to SMTP again;
// every pass first retries their marks and sends nothing while one still fails.
const acceptedUnmarked = new Map<string, Set<number>>();
const unmarkedOf = (db: Db): Set<number> => {
  let ids = acceptedUnmarked.get(db.name);
  if (!ids) acceptedUnmarked.set(db.name, (ids = new Set()));
  return ids;
};

function retryMarks(db: Db): void {
  const ids = unmarkedOf(db);
  let failure: unknown;
  for (const id of ids) {
    try {
      markSent(db, id, nowIso());
      ids.delete(id);
    } catch (err) {
      failure = err;
    }
  }
  if (ids.size) throw new UnmarkedMailError([...ids], failure);
}

export type SmtpConfig = NonNullable<Config['smtp']>;
export type Transport = Transporter<SMTPPool.SentMessageInfo>;

export function createTransport(smtp: SmtpConfig): Transport {
  return nodemailer.createTransport({
    pool: true,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...smtpStartTls(smtp),
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    maxConnections: smtp.pool_size,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

const bracket = (id: string) => `<${id}>`;

/** The bare address of our From: the envelope sender, where bounces come back. */
const envelopeFrom = (config: Config): string =>
  (config.smtp?.from ? addressparser(config.smtp.from, { flatten: true })[0]?.address : undefined) || config.support_address;

/** A sender's content type goes into our header only when it is a plain type/subtype token pair. */
const mimeType = (t: string): string => (/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(t) ? t : 'application/octet-stream');

/** The mail as nodemailer sends it; fixed by the row, so a retry is byte-for-byte the same mail. */
export function messageOf(config: Config, row: OutboxRow, files: readonly OutboxFile[] = []): Mail.Options {
  const from = config.smtp?.from ?? config.support_address;
  const dataDir = path.resolve(config.data_dir);
  return {
    // Set explicitly: nodemailer would otherwise make one RCPT of every address in the To,
    // Cc and Bcc headers. One row, one recipient, whatever its headers say.
    envelope: { from: envelopeFrom(config), to: [row.toAddr] },
    from: row.headers[FROM_NAME_HEADER] ? { name: row.headers[FROM_NAME_HEADER], address: envelopeFrom(config) } : from,
    to: row.toAddr,
    // Replies must reach the support mailbox even when the sending address differs; staff
    // mail about a ticket names its signed reply address (written with the row).
    replyTo: row.headers['Reply-To'] ?? (from.toLowerCase().includes(config.support_address.toLowerCase()) ? undefined : config.support_address),
    subject: row.subject,
    text: row.text,
    html: row.html ?? undefined,
    messageId: bracket(row.messageId),
    inReplyTo: row.inReplyTo ? bracket(row.inReplyTo) : undefined,
    references: row.refs.length ? row.refs.map(bracket) : undefined,
    date: new Date(row.createdAt),
    headers: Object.fromEntries(Object.entries(row.headers).filter(([k]) => k !== 'Reply-To' && k !== FROM_NAME_HEADER)),
    // Files a staff member attached to a reply, streamed from the blob store (never held whole).
    ...(files.length
      ? { attachments: files.map((f) => ({ filename: f.filename, contentType: mimeType(f.contentType), path: path.resolve(dataDir, f.path) })) }
      : {}),
  };
}

/** Seconds before attempt n+1 after n failed attempts; the last value repeats. */
export const retryDelaySeconds = (smtp: SmtpConfig, attemptsSoFar: number): number =>
  smtp.retry_seconds[Math.min(Math.max(attemptsSoFar - 1, 0), smtp.retry_seconds.length - 1)]!;

type Outcome = 'sent' | 'unmarked' | 'retry' | 'failed';

/**
 * After a refused SMTP login, per server and user: no pass logs in again before `until`
 * (loginBackoff, longer after each refusal), however much mail waits. Cleared by a mail sent.
 */
const loginHolds = new Map<string, { until: number; failures: number }>();
// The password is part of the key (in memory only): a corrected config starts without a hold.
const holdKey = (smtp: SmtpConfig): string => JSON.stringify([smtp.host, smtp.port, smtp.user ?? '', smtp.password ?? '']);

/** Whether passes wait out a refused login to this server (no mail is tried meanwhile). */
export function loginHeld(smtp: SmtpConfig): boolean {
  const hold = loginHolds.get(holdKey(smtp));
  return !!hold && hold.until > Date.now();
}

/** Set by deliverOne when TLS was required and refused: the pass takes no more mail. */
interface PassState {
  refused: boolean;
  /** A retry is due no earlier than this (just after the pass began), so the pass that tried it does not take it again. */
  notBefore: number;
}

/** Send one claimed row. */
async function deliverOne(config: Config, db: Db, transport: Transport, row: OutboxRow, log: Logger, pass: PassState): Promise<Outcome> {
  const smtp = config.smtp!;
  // Rows are checked when written; one written before that check (or by hand) must still
  // not reach SMTP, where the envelope would parse a list into many recipients.
  const problem = mailboxProblem(row.toAddr);
  if (problem) {
    markFailed(db, row.id, `not sent: the recipient ${problem}`);
    log.warn({ outboxId: row.id, kind: row.kind }, 'mail not sent: its recipient is not one bare address');
    return 'failed';
  }
  let error: unknown;
  try {
    await transport.sendMail(messageOf(config, row, outboxFiles(db, row.id)));
  } catch (err) {
    error = smtpTlsRefusal(smtp, err) ?? smtpLoginFailure(smtp, err) ?? err ?? new Error('unknown SMTP failure');
  }
  if (error === undefined) loginHolds.delete(holdKey(smtp));
  if (error === undefined) {
    try {
      markSent(db, row.id, nowIso()); // the duplicate window: nothing else between accept and this
    } catch (err) {
      unmarkedOf(db).add(row.id);
      log.error({ err, outboxId: row.id, to: row.toAddr }, 'mail accepted by the server but not marked sent: it will not be sent again');
      return 'unmarked';
    }
    return 'sent';
  }
  if (error instanceof LoginFailedError) {
    // The mail is fine and our password is not: the attempt does not count toward
    // max_attempts, and no pass logs in again before the hold ends (the row stays due).
    const key = holdKey(smtp);
    let hold = loginHolds.get(key);
    // Mails in flight on other connections of the same pass fail alike: one refusal, one hold.
    if (!hold || hold.until <= Date.now()) {
      const failures = (hold?.failures ?? 0) + 1;
      const delay = nextDelayMs(failures - 1, loginBackoff);
      hold = { until: Math.max(Date.now() + delay, pass.notBefore), failures };
      loginHolds.set(key, hold);
      log.error({ err: error, outboxId: row.id, failures, retryInMs: delay }, error.message);
    }
    pass.refused = true;
    markPostponed(db, row.id, error.message);
    return 'retry';
  }
  let reason: string;
  if (error instanceof PlaintextRefusedError) {
    // Every other mail would meet the same server: this pass stops, and the log says why.
    if (!pass.refused) log.error({ err: error, outboxId: row.id }, error.message);
    pass.refused = true;
    reason = error.message;
  } else reason = failureText(error);
  const attempts = row.attempts + 1;
  if (isPermanent(error) || attempts >= smtp.max_attempts) {
    const why = isPermanent(error) ? reason : `gave up after ${attempts} attempts: ${reason}`;
    markFailed(db, row.id, why);
    log.warn({ err: error, outboxId: row.id, to: row.toAddr, kind: row.kind }, 'mail failed for good');
    return 'failed';
  }
  const next = new Date(Math.max(Date.now() + retryDelaySeconds(smtp, attempts) * 1000, pass.notBefore)).toISOString();
  markRetry(db, row.id, reason, next);
  log.info({ err: error, outboxId: row.id, attempts, next }, 'mail will be retried');
  return 'retry';
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

export interface DrainOptions {
  /** A pooled transport to reuse (the daemon loop keeps one); otherwise one is made and closed. */
  transport?: Transport;
  /** Checked between mails: stop taking new ones (SIGTERM). */
  shouldStop?: () => boolean;
  /** Take at most this many mails (the daemon loop), so mail written meanwhile waits one short pass at most. */
  limit?: number;
}

/** Mails per pass of the daemon loop: a new assignment notice waits at most this many sends. */
export const LOOP_PASS_MAILS = 100;

/**
 * One pass: every row due when called is tried once (a row that fails and is due again at
 * once waits for the next pass), staff mail first, then by due time; at most `limit` rows.
 * Used by `run --once`, the daemon loop and the bench.
 */
export async function drainOutbox(config: Config, db: Db, log: Logger, opts: DrainOptions = {}): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
  const olog = log.child({ component: 'outbox' });
  if (!config.smtp) {
    if (nextDueAt(db)) olog.warn('no smtp configured: mail waits in the outbox');
    return result;
  }
  retryMarks(db);
  if (loginHeld(config.smtp)) return result; // said at error level when the login was refused
  const released = releaseStaleClaims(db, (at, by) => isStaleClaim(at, by));
  if (released.length)
    olog.warn({ outboxIds: released }, 'mail claimed by a deliverer that is gone is queued again (sent twice if its server had accepted it)');
  const transport = opts.transport ?? createTransport(config.smtp);
  const passStart = nowIso();
  // Every row this pass can take was committed before this point (transactions never span an
  // await here): make those commits durable before SMTP sees their mail (the daemon's
  // connection does not sync each commit; see openDb).
  syncCommits(db);
  const notBefore = Date.parse(passStart) + 1;
  let left = opts.limit ?? Infinity;
  let queue: OutboxRow[] = [];
  let storeFailing = false;
  const pass: PassState = { refused: false, notBefore };
  // Rows this pass took are no longer pending-and-due at passStart (sending, sent, failed, or
  // due after notBefore), so each select returns only rows not yet tried.
  const take = (): OutboxRow | undefined => {
    for (;;) {
      if (storeFailing || pass.refused || left <= 0 || opts.shouldStop?.()) return undefined;
      if (!queue.length) {
        queue = dueOutbox(db, passStart, Math.min(200, left));
        if (!queue.length) return undefined;
      }
      const row = queue.shift()!;
      // Skipped when another deliverer claimed it since the select.
      if (claimOutbox(db, row.id, nowIso(), claimant)) {
        left--;
        return row;
      }
    }
  };
  // Two mails in flight per pooled connection keeps every connection busy.
  const worker = async () => {
    for (let row = take(); row; row = take()) {
      const outcome = await deliverOne(config, db, transport, row, olog, pass);
      if (outcome === 'unmarked') storeFailing = true; // the store is failing: take no more mail
      result[outcome === 'retry' ? 'retried' : outcome === 'unmarked' ? 'sent' : outcome]++;
    }
  };
  let settled: PromiseSettledResult<void>[];
  try {
    // allSettled: one worker's failure must not end the pass while others have mail in flight.
    settled = await Promise.allSettled(Array.from({ length: config.smtp.pool_size * 2 }, worker));
  } finally {
    if (!opts.transport) transport.close();
  }
  if (result.sent + result.retried + result.failed) olog.info(result, 'outbox pass');
  retryMarks(db);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return result;
}

export interface OutboxLoop {
  /** Look for due mail now (after a change was committed). */
  wake(): void;
  /** Finish the mails in flight, then stop; rejects like `done`. */
  stop(): Promise<void>;
  /** Settles when the loop ends; rejects with UnmarkedMailError when delivery had to stop. */
  done: Promise<void>;
}

/** The daemon's delivery loop, beside the mailbox loop: a pass, then sleep until due or woken. */
export function startOutboxLoop(config: Config, db: Db, log: Logger, { idleMs = 1000 } = {}): OutboxLoop {
  const olog = log.child({ component: 'outbox' });
  if (!config.smtp) {
    // Nothing to deliver with: rows are still written and wait for an smtp section.
    olog.warn('no smtp configured: mail waits in the outbox');
    return { wake: () => {}, stop: async () => {}, done: Promise.resolve() };
  }
  const transport = createTransport(config.smtp);
  let stopping = false;
  let wakeUp = () => {};
  const done = (async () => {
    while (!stopping) {
      try {
        await drainOutbox(config, db, log, { transport, shouldStop: () => stopping, limit: LOOP_PASS_MAILS });
      } catch (err) {
        if (err instanceof UnmarkedMailError) {
          // Passes would only retry the marks against a store that refuses writes; stop loudly.
          olog.error({ err }, 'stopping mail delivery: accepted mail could not be marked sent');
          transport.close();
          throw err;
        }
        olog.error({ err }, 'outbox pass failed');
      }
      if (stopping) break;
      const next = loginHeld(config.smtp!) ? null : nextDueAt(db);
      const wait = next ? Math.min(Math.max(Date.parse(next) - Date.now(), 50), idleMs) : idleMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    transport.close();
  })();
  done.catch(() => {}); // reported by the log line above; callers await `done` or `stop()`
  return {
    wake: () => wakeUp(),
    async stop() {
      stopping = true;
      wakeUp();
      await done;
    },
    done,
  };
}
