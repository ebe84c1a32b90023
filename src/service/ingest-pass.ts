import { errorMessage, isStorageError } from '../errors.js';
import { sha256Hex, type StoredBlob } from '../ingest/blob-store.js';
import { fetchSources, listAfter, markProcessed, type Listed, type OpenFolder } from '../ingest/mailbox.js';
import type { ParsePool } from '../ingest/parse-pool.js';
import { rawMessageId } from '../ingest/raw-message-id.js';
import { checkpointStore } from '../store/checkpoints.js';
import type { Mail } from '../router/types.js';
import { journalStore, type JournalRow, type Outcome } from '../store/journal.js';
import { commitGroup, type GroupItem } from './commit-group.js';
import { processParsed, type ProcessContext } from './process-message.js';

// One pass over the open folder:
//   1. checkpoint: UIDVALIDITY and last UID (a new UIDVALIDITY rescans from UID 1; the journal's
//      de-duplication keeps a message from being ticketed twice);
//   2. re-mark on the server what was committed but not marked (a crash in between);
//   3. in batches: fetch into memory → journal every message first (raw bytes stored) →
//      parse (worker pool, ahead of the commits, across batch boundaries) → pipeline → one
//      transaction per message (grouped: the messages already parsed share one commit, see
//      commit-group.ts), in UID order → mark a batch on the server once all of it committed.
// Stops between messages when the signal aborts, never inside a commit.

export interface PassContext extends ProcessContext {
  pool: ParsePool;
  signal?: AbortSignal;
}

type Fetched = Awaited<ReturnType<typeof fetchSources>>[number];

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
  if (!cp || cp.uidvalidity !== folder.uidValidity) {
    if (cp) log.warn({ was: cp.uidvalidity, now: folder.uidValidity }, 'UIDVALIDITY changed: rescanning the folder from UID 1');
    checkpoints.reset(folder.key, folder.uidValidity);
    cp = { uidvalidity: folder.uidValidity, lastUid: 0 };
  }

  // Fetched under an older UIDVALIDITY and never decided: decide them from the stored bytes
  // first, so their copies in the re-created folder are recognised as duplicates.
  for (const row of journal.orphans(folder.key, folder.uidValidity)) {
    if (ctx.signal?.aborted) return stats;
    const parsed = await settle(ctx.pool.parse(row.rawPath));
    count(stats, processParsed(ctx, row.id, parsed).outcome);
    stats.replayed++;
  }

  const unmarked = journal.unmarked(folder.key, folder.uidValidity);
  if (unmarked.length) {
    if (await markProcessed(folder.client, settings, unmarked.map((r) => r.uid))) {
      journal.markServer(unmarked.map((r) => r.id));
      stats.remarked = unmarked.length;
    } else log.warn({ count: unmarked.length }, 'could not mark committed messages on the server; will retry');
  }

  const listing = await listAfter(folder.client, cp.lastUid);
  if (!(await replayGone(ctx, journal, folder, listing, stats))) return stats;
  const listed = [...batches(listing, settings.batch_size)];
  // A batch's raw bytes are written to the blob store as soon as it arrives, on libuv's
  // threads, while this thread goes on committing; its journal rows follow when needed.
  const fetch = (b: number) => {
    const p = fetchSources(folder.client, listed[b]!.map((l) => l.uid)).then((fetched) => storeRaw(ctx, fetched));
    p.catch(() => undefined); // observed below; never an unhandled rejection meanwhile
    return p;
  };
  // Marks run one after another on the connection, beside the commits of later messages.
  let marking: Promise<void> = Promise.resolve();
  const mark = (rows: JournalRow[]) => {
    marking = marking.then(async () => {
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
  const batchBytes = listed.map((batch) => batch.reduce((n, l) => n + l.size, 0));
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
      queue.push({ ...r, batch, parse: null, result: undefined });
      queuedBytes += r.row.size;
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
      for (let k = 0; k < ahead && k < queue.length; k++) startParse(queue[k]!);
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
      for (const q of taken) queuedBytes -= q.row.size;
      const group: GroupItem[] = taken.map(({ row, result }) => {
        const parsed = result ?? null;
        // Above a UID the server sent no body for, the checkpoint stays put for this pass.
        const held = row.uid > firstMissing;
        // A row decided in a pass that held the checkpoint below a missing UID (parsed null:
        // nothing to decide) still moves the checkpoint: catch up now.
        const advances = !held && (parsed !== null || row.outcome !== null);
        return { row, parsed, position: advances ? { mailbox: folder.key, uidvalidity: folder.uidValidity, uid: row.uid } : undefined };
      });
      commitGroup(ctx, group).forEach(({ row, applied }, k) => {
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
  } finally {
    // Never leave a command running on the connection after the mailbox lock is released.
    await marking.catch(() => undefined);
    if (next) await next.catch(() => undefined);
  }
  return stats;
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
  journal: ReturnType<typeof journalStore>,
  folder: OpenFolder,
  listing: readonly Listed[],
  stats: PassStats,
): Promise<boolean> {
  const present = new Set(listing.map((l) => l.uid));
  const gone = journal.pending(folder.key, folder.uidValidity).filter((r) => !present.has(r.uid));
  for (const row of gone) {
    if (ctx.signal?.aborted) return false;
    ctx.log.warn({ uid: row.uid, journalId: row.id }, 'journaled message left the folder before it was decided: replaying its stored bytes');
    const applied = processParsed(ctx, row.id, await settle(ctx.pool.parse(row.rawPath)));
    journal.markServer([row.id]);
    count(stats, applied.outcome);
    stats.replayed++;
  }
  return true;
}

interface StoredRaw {
  uid: number;
  source: Buffer;
  blob: StoredBlob;
  messageId: string | null;
}

/** A fetched batch's raw bytes, in the blob store. */
function storeRaw(ctx: PassContext, fetched: Fetched[]): Promise<StoredRaw[]> {
  return Promise.all(
    fetched.map(async ({ uid, source }) => ({
      uid,
      source,
      blob: await ctx.blobs.store('raw', source, sha256Hex(source)),
      messageId: rawMessageId(source),
    })),
  );
}

/** Every row of a stored batch in one small commit, before any of it is parsed. */
function journalFirst(
  ctx: PassContext,
  journal: ReturnType<typeof journalStore>,
  folder: OpenFolder,
  stored: StoredRaw[],
): { row: JournalRow; source: Buffer }[] {
  return ctx.db.transaction(() =>
    stored.map(({ uid, source, blob, messageId }) => ({
      source,
      row: journal.record({
        mailbox: folder.key,
        uidvalidity: folder.uidValidity,
        uid,
        messageId,
        sha256: blob.sha256,
        rawPath: blob.path,
        size: blob.size,
      }),
    })),
  )();
}

function* batches(listed: Listed[], maxCount: number): Generator<Listed[]> {
  let batch: Listed[] = [];
  let bytes = 0;
  for (const l of listed) {
    if (batch.length && (batch.length >= maxCount || bytes + l.size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(l);
    bytes += l.size;
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
