import type { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import type { Config } from '../config/schema.js';
import { TicketdError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { defaultBackoff, loginBackoff, nextDelayMs, type BackoffOptions } from './backoff.js';
import { imapLoginFailure, LoginFailedError } from '../login-failure.js';
import { imapStartTls, imapTlsRefusal, PlaintextRefusedError } from '../tls-policy.js';

// The IMAP connection as a small state machine:
//
//   connecting ─▶ reading ─▶ waiting ─▶ reading ...      (IDLE or poll wakes "waiting")
//        ▲            │          │
//        └─ backoff ◀─┴──────────┘   (close, error, failed command)
//
// One ImapFlow per connection (an instance cannot reconnect). While "waiting" the folder stays
// selected and imapflow goes into IDLE by itself when the server has it (NOOP otherwise);
// new mail wakes us through the "exists" event. A timer of poll_seconds wakes us anyway, as
// a safety net for a connection that died without a word.

export type MailboxSettings = Config['mailbox'];

export interface OpenFolder {
  client: ImapFlow;
  /** Checkpoint key: user@host/folder. */
  key: string;
  folder: string;
  uidValidity: number;
  /** UIDNEXT when the folder was selected: every message there then has a lower UID. */
  uidNext: number;
  /** Whether the server has IDLE (otherwise we only poll). */
  idle: boolean;
}

/** Reads the open folder; the mailbox lock is held for the whole call. */
export type ReadFolder = (folder: OpenFolder) => Promise<void>;

export type MailboxState = 'connecting' | 'reading' | 'waiting' | 'backoff' | 'stopped';

export const folderKey = (m: MailboxSettings): string => `${m.user}@${m.host}/${m.folder}`;

/**
 * imapflow's own lines, under the caller's component and marked `lib`: pino writes a key a
 * child sets again twice on one line, and a log shipper keeps either. imapflow logs every
 * command at debug and each connection at info: keep it to warnings.
 */
export const imapflowLogger = (log: Logger): Logger =>
  log.child({ lib: 'imapflow' }, { level: log.isLevelEnabled('warn') ? 'warn' : log.level });

async function connect(m: MailboxSettings, log: Logger): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: m.host,
    port: m.port,
    secure: m.secure,
    ...imapStartTls(m),
    auth: { user: m.user, pass: m.password },
    logger: imapflowLogger(log),
    // IDLE soon after each read: until IDLE starts the server tells us nothing (default 15 s).
    autoIdleDelay: 250,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
  });
  // Without a listener an 'error' event would throw and take the daemon down.
  client.on('error', (err: Error) => log.warn({ err }, 'imap connection error'));
  try {
    await client.connect();
  } catch (err) {
    throw imapTlsRefusal(m, err) ?? imapLoginFailure(m, err) ?? err;
  }
  if (m.processed_folder) await ensureFolder(client, m.processed_folder);
  return client;
}

async function ensureFolder(client: ImapFlow, path: string): Promise<void> {
  const list = await client.list();
  if (!list.some((f) => f.path === path)) await client.mailboxCreate(path);
}

async function readLocked(client: ImapFlow, m: MailboxSettings, read: ReadFolder): Promise<void> {
  const lock = await client.getMailboxLock(m.folder);
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new TicketdError('MAILBOX', `folder ${m.folder} is not open`);
    // uidValidity is a BigInt in imapflow; it fits a number (32 bits unsigned).
    await read({ client, key: folderKey(m), folder: m.folder, uidValidity: Number(mailbox.uidValidity), uidNext: Number(mailbox.uidNext), idle: client.capabilities.has('IDLE') });
  } finally {
    lock.release();
  }
}

/** "3:5,9,11:12": a compact UID set for one command. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface Listed {
  uid: number;
  size: number;
}

/** UIDs above `afterUid`, by UID, never by \Seen: mail a person already read still counts. */
export async function listAfter(client: ImapFlow, afterUid: number): Promise<Listed[]> {
  if (!client.mailbox || !client.mailbox.exists) return [];
  // "n:*" also returns the highest message when every UID is below n, hence the filter.
  const rows = await client.fetchAll(`${afterUid + 1}:*`, { uid: true, size: true }, { uid: true });
  return rows
    .filter((r) => r.uid > afterUid)
    .map((r) => ({ uid: r.uid, size: r.size ?? 0 }))
    .sort((a, b) => a.uid - b.uid);
}

/**
 * The lowest UID of a message that arrived (the server's INTERNALDATE) at or after `since`, or
 * `uidNext` when none did. SEARCH SINCE has day granularity, so it only narrows the candidates
 * (from the day before); their exact arrival times decide.
 */
export async function firstUidSince(client: ImapFlow, since: Date, uidNext: number): Promise<number> {
  if (!client.mailbox || !client.mailbox.exists) return uidNext;
  const found = await client.search({ since: new Date(since.getTime() - 86_400_000) }, { uid: true });
  if (!found || !found.length) return uidNext;
  const rows = await client.fetchAll(uidSet(found), { uid: true, internalDate: true }, { uid: true });
  const after = rows.filter((r) => r.internalDate !== undefined && new Date(r.internalDate).getTime() >= since.getTime()).map((r) => r.uid);
  return after.length ? Math.min(...after) : uidNext;
}

/**
 * Full sources of these UIDs, in memory. Fetched completely before anything else runs on the
 * connection: a command issued inside imapflow's fetch iterator deadlocks it.
 */
export async function fetchSources(client: ImapFlow, uids: readonly number[]): Promise<{ uid: number; source: Buffer }[]> {
  if (!uids.length) return [];
  const rows = await client.fetchAll(uidSet(uids), { uid: true, source: true }, { uid: true });
  return rows
    .filter((r): r is typeof r & { source: Buffer } => Buffer.isBuffer(r.source))
    .map((r) => ({ uid: r.uid, source: r.source }))
    .sort((a, b) => a.uid - b.uid);
}

/**
 * One message's source as a stream, fetched in 1 MB partial FETCHes as it is read, for a message
 * too large to hold (limits.max_message_bytes); null when the server has no such UID.
 */
export async function downloadSource(client: ImapFlow, uid: number): Promise<Readable | null> {
  const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: 1024 * 1024 });
  return content ?? null;
}

/**
 * After the commit: move to processed_folder, or flag \Seen and leave in place. False when the
 * server refused or the connection went; the caller leaves the rows unmarked for the next pass.
 */
export async function markProcessed(client: ImapFlow, m: MailboxSettings, uids: readonly number[]): Promise<boolean> {
  if (!uids.length) return true;
  const set = uidSet(uids);
  const ok = m.processed_folder
    ? await client.messageMove(set, m.processed_folder, { uid: true })
    : await client.messageFlagsAdd(set, ['\\Seen'], { uid: true });
  return ok !== false && client.usable;
}

async function closeQuietly(client: ImapFlow): Promise<void> {
  if (client.usable) {
    // LOGOUT politely, but never wait long on a server that went quiet.
    const timer = new Promise<void>((r) => setTimeout(r, 2_000).unref());
    await Promise.race([client.logout().catch(() => undefined), timer]);
  }
  client.close();
}

/** Connect, read the folder once, log out. Errors are thrown (`run --once` exits 1). */
export async function readMailboxOnce(m: MailboxSettings, log: Logger, read: ReadFolder): Promise<void> {
  let client: ImapFlow;
  try {
    client = await connect(m, log);
  } catch (err) {
    if (err instanceof PlaintextRefusedError || err instanceof LoginFailedError) throw err; // says it all
    throw new TicketdError('MAILBOX', `cannot connect to ${m.host}:${m.port} as ${m.user}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    await readLocked(client, m, read);
  } finally {
    await closeQuietly(client);
  }
}

export interface WatchOptions {
  settings: MailboxSettings;
  log: Logger;
  read: ReadFolder;
  signal: AbortSignal;
  backoff?: BackoffOptions;
  /** After a refused login (default loginBackoff: minutes, not seconds). */
  loginBackoff?: BackoffOptions;
  /** Observe state changes (tests, status display). */
  onState?: (state: MailboxState) => void;
}

/** Keep reading the folder until the signal aborts; reconnects with backoff, never throws. */
export async function watchMailbox(opts: WatchOptions): Promise<void> {
  const { settings: m, log, signal } = opts;
  const setState = (s: MailboxState) => {
    log.debug({ state: s }, 'mailbox state');
    opts.onState?.(s);
  };
  let attempt = 0;
  while (!signal.aborted) {
    setState('connecting');
    let client: ImapFlow | null = null;
    try {
      client = await connect(m, log);
      const wake = new Wake(signal);
      // Our own MOVE shrinks the folder; only growth means new mail.
      client.on('exists', (e: { count: number; prevCount: number }) => e.count > e.prevCount && wake.poke('exists'));
      client.on('close', () => wake.poke('close'));
      log.info({ folder: m.folder, idle: client.capabilities.has('IDLE') }, 'mailbox connected');
      for (;;) {
        setState('reading');
        wake.clear();
        await readLocked(client, m, opts.read);
        // A full successful read is the only proof the server is healthy again.
        attempt = 0;
        if (signal.aborted) break;
        if (!client.usable) throw new TicketdError('MAILBOX', 'connection closed');
        setState('waiting');
        const why = await wake.wait(m.poll_seconds * 1000);
        if (why === 'close') throw new TicketdError('MAILBOX', 'connection closed by the server');
        if (why === 'abort') break;
      }
    } catch (err) {
      if (signal.aborted) break;
      const login = err instanceof LoginFailedError;
      const delay = nextDelayMs(attempt++, login ? (opts.loginBackoff ?? loginBackoff) : (opts.backoff ?? defaultBackoff));
      // A live connection means the failure was ours (store, disk), not the server's: louder.
      // So are a refused plaintext login and a refused password: only the operator can fix them, so say why.
      if (err instanceof PlaintextRefusedError || login) log.error({ err, attempt, retryInMs: delay }, (err as Error).message);
      else if (client?.usable) log.error({ err, attempt, retryInMs: delay }, 'mailbox pass failed, retrying');
      else log.warn({ err, attempt, retryInMs: delay }, 'mailbox unavailable, reconnecting');
      setState('backoff');
      await new Wake(signal).wait(delay);
    } finally {
      if (client) await closeQuietly(client);
    }
  }
  setState('stopped');
}

type WakeReason = 'exists' | 'close' | 'timer' | 'abort';

/** One pending wake-up: the first of new mail, connection close, timer or abort. */
class Wake {
  private pending: WakeReason | null = null;
  private resolve: ((r: WakeReason) => void) | null = null;

  constructor(private readonly signal: AbortSignal) {}

  poke(reason: WakeReason): void {
    if (this.resolve) this.resolve(reason);
    // 'close' outranks 'exists': a dead connection must not be read again.
    else if (this.pending !== 'close') this.pending = reason;
  }

  clear(): void {
    if (this.pending !== 'close') this.pending = null;
  }

  wait(ms: number): Promise<WakeReason> {
    if (this.signal.aborted) return Promise.resolve('abort');
    if (this.pending) return Promise.resolve(this.pending);
    return new Promise((resolve) => {
      const onAbort = () => done('abort');
      const timer = setTimeout(() => done('timer'), ms);
      const done = (r: WakeReason) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        this.resolve = null;
        resolve(r);
      };
      this.resolve = done;
      this.signal.addEventListener('abort', onAbort);
    });
  }
}

export interface MailboxProbe {
  messages: number;
  uidValidity: number;
  /** Messages above the checkpoint (not read by us yet); null when the folder was never read. */
  waiting: number | null;
}

/**
 * A health check's look at the folder, on its own short-lived connection, read-only (STATUS,
 * then EXAMINE and a UID SEARCH above the checkpoint only when something is there): never
 * creates a folder or changes a flag. Rejects after `timeoutMs` whatever the server does.
 */
export async function probeMailbox(
  m: MailboxSettings,
  read: { uidvalidity: number; lastUid: number } | null,
  timeoutMs: number,
): Promise<MailboxProbe> {
  const client = new ImapFlow({
    host: m.host,
    port: m.port,
    secure: m.secure,
    ...imapStartTls(m),
    auth: { user: m.user, pass: m.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  client.on('error', () => undefined); // the rejection below says it
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TicketdError('MAILBOX', `no answer from ${m.host}:${m.port} within ${timeoutMs} ms`)), timeoutMs);
  });
  const look = async (): Promise<MailboxProbe> => {
    try {
      await client.connect();
    } catch (err) {
      throw imapTlsRefusal(m, err) ?? err;
    }
    const st = await client.status(m.folder, { messages: true, uidNext: true, uidValidity: true });
    if (!st) throw new TicketdError('MAILBOX', `the server refused STATUS for folder ${m.folder}`);
    const uidValidity = Number(st.uidValidity ?? 0);
    const messages = st.messages ?? 0;
    if (!read) return { messages, uidValidity, waiting: null };
    // A new UIDVALIDITY: the next pass rescans, everything there is unread by us.
    if (read.uidvalidity !== uidValidity) return { messages, uidValidity, waiting: messages };
    if (!messages || (st.uidNext !== undefined && st.uidNext - 1 <= read.lastUid)) return { messages, uidValidity, waiting: 0 };
    await client.mailboxOpen(m.folder, { readOnly: true });
    const found = await client.search({ uid: `${read.lastUid + 1}:*` }, { uid: true });
    // "n:*" also matches the highest UID when all are below n, hence the filter.
    return { messages, uidValidity, waiting: found ? found.filter((u) => u > read.lastUid).length : 0 };
  };
  try {
    return await Promise.race([look(), deadline]);
  } finally {
    clearTimeout(timer);
    await closeQuietly(client);
  }
}

/** Why a mailbox could not be read, in one line: an authentication failure is named as such. */
export function mailboxFailure(m: MailboxSettings, err: unknown): string {
  const e = err as { authenticationFailed?: boolean; code?: string };
  if (e?.authenticationFailed) return `authentication failed for ${m.user} at ${m.host}:${m.port}`;
  if (e?.code === 'ECONNREFUSED') return `connection refused by ${m.host}:${m.port}`;
  return `${m.host}:${m.port}: ${errorMessage(err)}`;
}
