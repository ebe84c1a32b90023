import { errorMessage, isStorageError } from '../errors.js';
import type { StoredBlob } from '../ingest/blob-store.js';
import { downloadSource, fetchSources, firstUidSince, listAfter, markProcessed, type Listed, type OpenFolder } from '../ingest/mailbox.js';
import { parseHead, type HeadSummary } from '../ingest/parse-head.js';
import type { ParsePool } from '../ingest/parse-pool.js';
import { rawMessageId } from '../ingest/raw-message-id.js';
import { checkpointStore, type Checkpoint } from '../store/checkpoints.js';
import { syncCommits } from '../store/db.js';
import { inTransaction } from '../store/transaction.js';
import type { Mail } from '../router/types.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { applyOutcome, type Applied } from './apply-plan.js';
import { commitGroup, type GroupItem } from './commit-group.js';
import { CRASH_LIMIT, CRASHED_REASON, oversizeReason } from './poison.js';
import { processParsed, type ProcessContext } from './process-message.js';
import { passProgress, PROGRESS_EVERY_MS } from './pass-progress.js';
import { RESCAN_MARGIN_MS, startFrom } from './start-from.js';

// One pass over the open folder:
//   1. checkpoint: UIDVALIDITY and last UID (a new UIDVALIDITY rescans from UID 1; the journal's
//      de-duplication keeps a message from being ticketed twice);
//   2. re-mark on the server what was committed but not marked (a crash in between);
//   3. in batches: fetch into memory → journal every message first (raw bytes stored) →
//      parse (worker pool, ahead of the commits, across batch boundaries) → pipeline → one
//      transaction per message (grouped: the messages already parsed share one commit, see
//      commit-group.ts), in UID order → mark a batch on the server once all of it committed.
// Stops between messages when the signal aborts, never inside a commit.
//
// Poison and oversize mail (see poison.ts): the journal commit of a batch counts an attempt
// for each of its messages before any is parsed. A message found undecided with an attempt
// counted was in flight when a process died; it is tried alone (everything before it
// committed, nothing after it started, its attempt committed first), so a crash is its own,
// and after CRASH_LIMIT such tries it is journaled failed. A message over
// limits.max_message_bytes (by the server's size) is not fetched with its batch but streamed
// to data_dir and journaled failed with the reason; both are then marked like any other.

export interface PassContext extends ProcessContext {
  pool: ParsePool;
  signal?: AbortSignal;
  /** How often a long pass logs its progress (default PROGRESS_EVERY_MS; tests use 0). */
  progressEveryMs?: number;
}

type Fetched = Awaited<ReturnType<typeof fetchSources>>[number];
type Journal = ReturnType<typeof journalStore>;

export type PassStats = Record<Outcome, number> & { fetched: number; remarked: number; replayed: number };

/** A batch's committed rows, marked on the server together once none is left. */
interface BatchMarks {
  left: number;
  done: JournalRow[];
}

/** A journaled message waiting for its parse and its commit. */
interface Queued {
  row: JournalRow;
  /** Raw bytes until handed to the parse pool. */
  source: Buffer | null;
  /** What of it is held in memory (its source), for the queue's byte budget. */
  bytes: number;
  /** This pass counted an attempt for it: given back if the pass ends before deciding it. */
  counted: boolean;
  /** Undecided with an attempt a dead process kept: tried alone (see the top). */
  suspect: boolean;
  batch: BatchMarks;
  parse: Promise<void> | null;
  /** undefined: not parsed yet; null: nothing to decide (already has an outcome). */
  result: Mail | Error | null | undefined;
}

// With workers, enough to keep each one's port full (parse-pool IN_FLIGHT) while a group
// commits; the results that are back when a commit starts join its group.
const PARSE_AHEAD = (workers: number) => (workers ? workers * 32 + 8 : 2);

// At most this many messages per group commit (see commitGroup). A commit writes every page
// the group touched to the WAL once, so larger groups write less per message.
const GROUP_MAX = 32;

// A group waits for up to this many parses already running before it commits: one message
// per transaction costs a commit each (a third of the time of deciding a message), and the
// wait costs nothing when this thread is ahead of the parse workers anyway.
const GROUP_MIN = 8;

// A batch is also bounded by bytes: a few 30 MB messages must not be held at once.
const BATCH_BYTES = 64 * 1024 * 1024;

export async function ingestFolder(ctx: PassContext, folder: OpenFolder): Promise<PassStats> {
  const stats: PassStats = { fetched: 0, created: 0, appended: 0, command: 0, ignored: 0, failed: 0, remarked: 0, replayed: 0 };
  const journal = journalStore(ctx.db);
  const checkpoints = checkpointStore(ctx.db);
  const settings = ctx.config.mailbox;
  const log = ctx.log.child({ mailbox: folder.key });

  let cp = checkpoints.get(folder.key);
  if (!cp) cp = await firstRead(ctx, folder);
  else if (cp.uidvalidity !== folder.uidValidity) {
    const startAt = checkpoints.startAt(folder.key);
    const lastUid = startAt ? (await firstUidSince(folder.client, new Date(Date.parse(startAt) - RESCAN_MARGIN_MS), folder.uidNext)) - 1 : 0;
    log.warn({ was: cp.uidvalidity, now: folder.uidValidity, fromUid: lastUid + 1, startAt }, 'UIDVALIDITY changed: rescanning the folder');
    checkpoints.reset(folder.key, folder.uidValidity, lastUid);
    cp = { uidvalidity: folder.uidValidity, lastUid };
  }

  // Fetched under an older UIDVALIDITY and never decided: decide them from the stored bytes
  // first, so their copies in the re-created folder are recognised as duplicates.
  for (const row of journal.orphans(folder.key, folder.uidValidity)) {
    if (ctx.signal?.aborted) return stats;
    count(stats, (await replayAlone(ctx, journal, row)).outcome);
    stats.replayed++;
  }

  const unmarked = journal.unmarked(folder.key, folder.uidValidity);
  if (unmarked.length) {
    syncCommits(ctx.db); // the daemon's commits are synced here, before the server hears of them
    if (await markProcessed(folder.client, settings, unmarked.map((r) => r.uid))) {
      journal.markServer(unmarked.map((r) => r.id));
      stats.remarked = unmarked.length;
    } else log.warn({ count: unmarked.length }, 'could not mark committed messages on the server; will retry');
  }

  const listing = await listAfter(folder.client, cp.lastUid);
  if (!(await replayGone(ctx, journal, folder, listing, stats))) return stats;
  const progress = passProgress(listing.length, Date.now(), ctx.progressEveryMs ?? PROGRESS_EVERY_MS);
  let decided = 0;
  const maxBytes = ctx.config.limits.max_message_bytes;
  // Bytes of a listed message held in memory: none for one streamed to disk.
  const held = (l: Listed) => (l.size > maxBytes ? 0 : l.size);
  const listed = [...batches(listing, settings.batch_size, held)];
  // A batch's raw bytes are written to the blob store as soon as it arrives, on libuv's
  // threads, while this thread goes on committing; its journal rows follow when needed.
  const fetch = (b: number) => {
    const p = fetchBatch(ctx, journal, folder, listed[b]!);
    p.catch(() => undefined); // observed below; never an unhandled rejection meanwhile
    return p;
  };
  // Marks run one after another on the connection, beside the commits of later messages.
  let marking: Promise<void> = Promise.resolve();
  const mark = (rows: JournalRow[]) => {
    marking = marking.then(async () => {
      syncCommits(ctx.db); // these rows' commits are on disk before the server hears of them
      if (await markProcessed(folder.client, settings, rows.map((r) => r.uid))) journal.markServer(rows.map((r) => r.id));
      else log.warn({ count: rows.length }, 'could not mark processed messages on the server; will retry');
    });
    marking.catch(() => undefined); // awaited below
  };
  // The first listed UID the server sent no body for (expunged meanwhile, or a server hiccup):
  // the checkpoint stays below it for the rest of the pass, so the next pass lists it again.
  let firstMissing = Infinity;

  // One queue of journaled messages across batches, in UID order. The next batch is fetched
  // while this one is parsed and committed, and journaled as soon as the parses would run out
  // of work, so the parse workers never wait for a batch boundary. The queue's bytes stay
  // under BATCH_BYTES (beside the one fetch in flight) unless it holds a single batch.
  const queue: Queued[] = [];
  let queuedBytes = 0;
  // Parses run a few messages ahead of the commits (enough to keep every worker busy, few
  // enough to bound memory); the commits take them in UID order.
  const ahead = PARSE_AHEAD(ctx.pool.workers);
  let nextBatch = 0;
  let next: Promise<StoredRaw[]> | null = listed.length ? fetch(0) : null;
  const batchBytes = listed.map((batch) => batch.reduce((n, l) => n + held(l), 0));
  const wantBatch = () =>
    next !== null && !ctx.signal?.aborted && queue.length < ahead && (!queue.length || queuedBytes + batchBytes[nextBatch]! <= BATCH_BYTES);
  const takeBatch = async (): Promise<void> => {
    const b = nextBatch++;
    const fetched = await next!;
    // Once stopping, fetch nothing more: SIGTERM would wait for it.
    next = nextBatch < listed.length && !ctx.signal?.aborted ? fetch(nextBatch) : null;
    stats.fetched += fetched.length;
    const got = new Set(fetched.map((f) => f.uid));
    for (const { uid } of listed[b]!) {
      if (got.has(uid)) continue;
      log.warn({ uid }, 'listed message came back without a body; retrying it next pass');
      firstMissing = Math.min(firstMissing, uid);
    }
    const rows = journalFirst(ctx, journal, folder, fetched);
    fetched.length = 0;
    const batch: BatchMarks = { left: rows.length, done: [] };
    for (const r of rows) {
      const bytes = r.source?.length ?? 0;
      queue.push({ ...r, bytes, batch, parse: null, result: undefined });
      queuedBytes += bytes;
    }
  };
  const startParse = (q: Queued) => {
    if (q.parse) return;
    if (q.row.outcome === null && q.source) {
      q.parse = settle(ctx.pool.parse(q.row.rawPath, q.source)).then((m) => void (q.result = m));
    } else {
      // null: nothing to decide (already has an outcome).
      q.result = null;
      q.parse = Promise.resolve();
    }
    q.source = null; // the pool has it; let it go as soon as the parse does
  };
  // A suspect at the head of the queue: its attempt committed, then its parse started alone.
  const startAlone = async (q: Queued) => {
    // No fetch in flight either, so that a crash from now on is this message's.
    if (next) await next.catch(() => undefined);
    q.row = journal.attempt(q.row.id);
    q.counted = true;
    q.suspect = false;
    log.warn({ uid: q.row.uid, journalId: q.row.id, attempt: q.row.attempts, of: CRASH_LIMIT }, 'message was in flight when a process died: trying it alone');
    startParse(q);
  };
  // Taken from the queue for a commit that has not returned: undecided if it throws.
  let inHand: Queued[] = [];
  // A batch that cannot be fetched or stored ends the pass, after what is already queued is
  // decided (its messages are on the server still, and the next pass lists them again).
  let takeError: unknown = null;
  try {
    while (!ctx.signal?.aborted) {
      // Keep `ahead` parses started; journal the next batch when this one cannot fill them.
      while (takeError === null && wantBatch()) {
        try {
          await takeBatch();
        } catch (err) {
          takeError = err;
        }
      }
      if (!queue.length) break;
      for (let k = 0; k < ahead && k < queue.length; k++) {
        // Nothing is started after a suspect until it is decided; then it goes alone (a group
        // stops at the first message not parsed).
        if (queue[k]!.suspect) {
          if (k === 0) await startAlone(queue[0]!);
          break;
        }
        startParse(queue[k]!);
      }
      for (let k = 0; k < GROUP_MIN && k < queue.length; k++) await queue[k]!.parse;
      // A message whose attachments could not be stored (a full disk) stops the pass before
      // it: not journaled `failed`, not marked, the checkpoint below it; a later pass retries.
      if (isStorageError(queue[0]!.result)) {
        takeError = queue[0]!.result;
        break;
      }
      // Group commit: the next message and every later one whose parse has already come
      // back (never waiting for one), in UID order, in one transaction.
      let end = 1;
      while (end < queue.length && end < GROUP_MAX && queue[end]!.result !== undefined && !isStorageError(queue[end]!.result)) end++;
      const taken = queue.splice(0, end);
      for (const q of taken) queuedBytes -= q.bytes;
      inHand = taken;
      const group: GroupItem[] = taken.map(({ row, result }) => {
        const parsed = result ?? null;
        // Above a UID the server sent no body for, the checkpoint stays put for this pass.
        const held = row.uid > firstMissing;
        // A row decided in a pass that held the checkpoint below a missing UID (parsed null:
        // nothing to decide) still moves the checkpoint: catch up now.
        const advances = !held && (parsed !== null || row.outcome !== null);
        return { row, parsed, position: advances ? { mailbox: folder.key, uidvalidity: folder.uidValidity, uid: row.uid } : undefined };
      });
      const committed = commitGroup(ctx, group);
      inHand = [];
      const p = progress.tick((decided += committed.length), Date.now());
      if (p) log.info(p, 'mailbox pass progress');
      committed.forEach(({ row, applied }, k) => {
        if (applied) {
          count(stats, applied.outcome);
          if (log.isLevelEnabled('debug')) log.debug({ uid: row.uid, journalId: row.id, ...applied }, 'message decided');
        }
        // A batch is marked on the server once all of its messages are committed.
        const { batch } = taken[k]!;
        batch.done.push(row);
        if (--batch.left === 0) mark(batch.done);
      });
    }
    // Stopped inside a batch: mark what of it is committed now, not at the next start.
    const partial = queue[0]?.batch;
    if (partial?.done.length) mark(partial.done);
    await marking;
    if (takeError !== null) throw takeError;
    // Read to the end (what was listed is decided): ticketd health's "last read".
    if (!ctx.signal?.aborted && firstMissing === Infinity) checkpoints.markRead(folder.key);
  } finally {
    // Never leave a command running on the connection after the mailbox lock is released.
    await marking.catch(() => undefined);
    if (next) await next.catch(() => undefined);
    // Stopped (a signal, an error) before deciding them: no crash of theirs.
    const undecided = [...inHand, ...queue].filter((q) => q.counted && q.row.outcome === null).map((q) => q.row.id);
    if (undecided.length) {
      try {
        journal.giveBack(undecided);
      } catch (err) {
        log.warn({ err, count: undecided.length }, 'could not give back the attempts of undecided messages');
      }
    }
  }
  return stats;
}

/**
 * The database's first read of this folder: mailbox.start_from decides the first UID taken.
 * The mail below it is left alone: not journaled, not marked on the server, no ticket and no
 * acknowledgement (a person's unread flags there stay as they were).
 */
async function firstRead(ctx: PassContext, folder: OpenFolder): Promise<Checkpoint> {
  const start = startFrom(ctx.config.mailbox.start_from, ctx.config.timezone, new Date());
  const firstUid =
    start.kind === 'all' ? 1 : start.kind === 'now' ? folder.uidNext : await firstUidSince(folder.client, start.at, folder.uidNext);
  const lastUid = Math.max(0, firstUid - 1);
  checkpointStore(ctx.db).start(folder.key, folder.uidValidity, lastUid, start.kind === 'all' ? null : start.at.toISOString());
  const below = lastUid ? await folder.client.search({ uid: `1:${lastUid}` }, { uid: true }) : [];
  const left = below ? below.length : 0;
  ctx.log.info(
    { mailbox: folder.key, startFrom: ctx.config.mailbox.start_from, firstUid, leftAlone: left },
    left ? `first read of the folder: leaving ${left} older messages alone (mailbox.start_from)` : 'first read of the folder',
  );
  return { uidvalidity: folder.uidValidity, lastUid };
}

/**
 * A journaled row decided from its stored bytes on its own (a replay): given up after
 * CRASH_LIMIT tries that each took the process down, else its attempt is committed first.
 */
async function replayAlone(ctx: PassContext, journal: Journal, row: JournalRow): Promise<Applied> {
  if (row.attempts >= CRASH_LIMIT) {
    ctx.log.warn({ uid: row.uid, journalId: row.id }, `stored message ${CRASHED_REASON}: journaled failed`);
    return applyOutcome(ctx, row.id, 'failed', CRASHED_REASON);
  }
  journal.attempt(row.id);
  try {
    return processParsed(ctx, row.id, await settle(ctx.pool.parse(row.rawPath)));
  } catch (err) {
    journal.giveBack([row.id]);
    throw err;
  }
}

/**
 * Journaled but undecided rows of this UIDVALIDITY whose message is no longer listed (a person
 * deleted or moved it after a crash between the journal commit and its transaction): nothing
 * on the server will bring them back, so decide them from the stored bytes. A UID is only
 * journaled after it was listed and is never reused, and the listing holds every UID above the
 * checkpoint, so a pending row it lacks is gone (the top one too: no bound on the listing's
 * range, which an empty listing would not have). The checkpoint is not touched, and there is
 * nothing left to mark on the server. False when the signal stopped the replay.
 */
async function replayGone(
  ctx: PassContext,
  journal: Journal,
  folder: OpenFolder,
  listing: readonly Listed[],
  stats: PassStats,
): Promise<boolean> {
  const present = new Set(listing.map((l) => l.uid));
  const gone = journal.pending(folder.key, folder.uidValidity).filter((r) => !present.has(r.uid));
  for (const row of gone) {
    if (ctx.signal?.aborted) return false;
    ctx.log.warn({ uid: row.uid, journalId: row.id }, 'journaled message left the folder before it was decided: replaying its stored bytes');
    const applied = await replayAlone(ctx, journal, row);
    journal.markServer([row.id]);
    count(stats, applied.outcome);
    stats.replayed++;
  }
  return true;
}

interface StoredRaw {
  uid: number;
  /** null: streamed to disk, or already decided (over the size limit). */
  source: Buffer | null;
  blob: StoredBlob;
  messageId: string | null;
  /** Over limits.max_message_bytes: why, and what its head says. */
  oversize?: HeadSummary & { reason: string };
}

/**
 * A listed batch's raw mail, in the blob store: the messages within limits.max_message_bytes
 * fetched together and kept in memory for their parse, each larger one streamed to disk.
 */
async function fetchBatch(ctx: PassContext, journal: Journal, folder: OpenFolder, listed: readonly Listed[]): Promise<StoredRaw[]> {
  const max = ctx.config.limits.max_message_bytes;
  const stored = await storeRaw(ctx, await fetchSources(folder.client, listed.filter((l) => l.size <= max).map((l) => l.uid)));
  const large = listed.filter((l) => l.size > max);
  if (!large.length) return stored;
  for (const { uid } of large) {
    const known = journal.at(folder.key, folder.uidValidity, uid);
    if (known?.outcome) {
      // Decided in an earlier pass that stopped before its checkpoint moved: not again.
      stored.push({ uid, source: null, blob: { sha256: known.sha256, path: known.rawPath, size: known.size }, messageId: known.messageId });
      continue;
    }
    const content = await downloadSource(folder.client, uid);
    if (!content) continue; // gone meanwhile: reported as missing like any other
    const { head, ...blob } = await ctx.blobs.storeStream('raw', content);
    const oversize = { reason: oversizeReason(blob.size, max), ...(await parseHead(head)) };
    ctx.log.warn({ uid, size: blob.size, max }, 'message over limits.max_message_bytes: stored, not parsed');
    stored.push({ uid, source: null, blob, messageId: rawMessageId(head), oversize });
  }
  return stored.sort((a, b) => a.uid - b.uid);
}

/** A fetched batch's raw bytes, in the blob store: one pack file for the batch (one fsync). */
async function storeRaw(ctx: PassContext, fetched: Fetched[]): Promise<StoredRaw[]> {
  const blobs = await ctx.blobs.storePack('raw', fetched.map((f) => f.source));
  return fetched.map(({ uid, source }, i) => ({ uid, source, blob: blobs[i]!, messageId: rawMessageId(source) }));
}

/**
 * Every row of a stored batch in one small commit, before any of it is parsed, each counting
 * an attempt. A message over the size limit, or a suspect out of tries, is decided failed here;
 * the queue then takes it as already decided (checkpoint and mark in UID order).
 */
function journalFirst(
  ctx: PassContext,
  journal: Journal,
  folder: OpenFolder,
  stored: StoredRaw[],
): { row: JournalRow; source: Buffer | null; counted: boolean; suspect: boolean }[] {
  return inTransaction(ctx.db, () =>
    stored.map(({ uid, source, blob, messageId, oversize }) => {
      let { row, counted } = journal.recordCounted({
        mailbox: folder.key,
        uidvalidity: folder.uidValidity,
        uid,
        messageId,
        sha256: blob.sha256,
        rawPath: blob.path,
        size: blob.size,
      });
      if (row.outcome !== null) return { row, source, counted, suspect: false };
      const failed = oversize ?? (!counted && row.attempts >= CRASH_LIMIT ? { reason: CRASHED_REASON, subject: null, fromAddr: null } : null);
      if (!failed) return { row, source, counted, suspect: !counted };
      if (!oversize) ctx.log.warn({ uid, journalId: row.id }, `message ${CRASHED_REASON}: journaled failed`);
      journal.setOutcome(row.id, { outcome: 'failed', ...failed });
      return { row: journal.get(row.id)!, source: null, counted: false, suspect: false };
    }),
  );
}

function* batches(listed: Listed[], maxCount: number, held: (l: Listed) => number): Generator<Listed[]> {
  let batch: Listed[] = [];
  let bytes = 0;
  for (const l of listed) {
    if (batch.length && (batch.length >= maxCount || bytes + held(l) > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(l);
    bytes += held(l);
  }
  if (batch.length) yield batch;
}

/** A parse result or the error that stopped it, never a rejected promise left unobserved. */
function settle(p: Promise<Mail>): Promise<Mail | Error> {
  return p.catch((err: unknown) => (err instanceof Error ? err : new Error(errorMessage(err))));
}

function count(stats: PassStats, outcome: Outcome): void {
  stats[outcome]++;
}
