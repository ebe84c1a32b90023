import type { Config } from '../config/schema.js';
import { BlobStore } from '../ingest/blob-store.js';
import { readMailboxOnce, watchMailbox, type MailboxState, type OpenFolder } from '../ingest/mailbox.js';
import { createParsePool, type ParsePool } from '../ingest/parse-pool.js';
import type { Logger } from '../log.js';
import { openDb, type Db } from '../store/db.js';
import { createLookup } from '../store/lookup.js';
import type { DaemonContext, DaemonPart } from './daemon-part.js';
import { daemonParts } from './daemon-parts.js';
import { acquireLock } from './lock.js';
import { ingestFolder, type PassContext } from './ingest-pass.js';

export type { DaemonContext, DaemonPart };

export interface DaemonOptions {
  once: boolean;
  log: Logger;
  /** Defaults to `daemonParts`; tests pass their own. */
  parts?: readonly DaemonPart[];
  /** Stops the daemon like SIGTERM does (tests). */
  signal?: AbortSignal;
  /** Observe the mailbox connection's state machine (tests). */
  onMailboxState?: (state: MailboxState) => void;
}

/**
 * The daemon: open the store, read the mailbox (one pass with `once`, else IDLE/poll until
 * SIGTERM/SIGINT), run the other parts beside it. A signal lets the message in hand commit,
 * then everything closes and the promise resolves (exit 0).
 */
export async function runDaemon(config: Config, opts: DaemonOptions): Promise<void> {
  // A second daemon on the same store would apply the same pending rows: refuse (exit 1).
  const lock = acquireLock(config.database);
  // Signals are ours from the moment we hold the lock: a SIGTERM while the parse workers
  // start must still end in a clean stop (exit 0), not in the default kill.
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    opts.log.child({ component: 'daemon' }).info({ signal: sig }, 'stopping after the message in hand');
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    await runLocked(config, { ...opts, signal: stop.signal });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    lock.release();
  }
}

async function runLocked(config: Config, opts: DaemonOptions): Promise<void> {
  // Parse workers first: loading the MIME parser takes a worker a few hundred ms, which then
  // overlaps with compiling templates, opening the store and connecting to the mailbox.
  const pool = createParsePool({
    size: config.parse_workers,
    dataDir: config.data_dir,
    attachmentMaxBytes: config.limits.attachment_max_bytes,
  });
  try {
    await runWithPool(config, opts, pool);
  } finally {
    await pool.close();
  }
}

async function runWithPool(config: Config, opts: DaemonOptions, pool: ParsePool): Promise<void> {
  // Components are children of the root logger, not of the daemon's: pino would repeat the
  // `component` key on every line of a grandchild.
  const root = opts.log;
  const log = root.child({ component: 'daemon' });
  const parts = opts.parts ?? daemonParts(config);
  // Aborted by runDaemon on a signal; a failing part aborts it too.
  const stop = new AbortController();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });

  const db = openDb(config.database, { durability: 'barrier' });
  const ctx: DaemonContext = { config, db, log: root, signal: stop.signal };
  const pass: PassContext = {
    db,
    config,
    hooks: parts.flatMap((p) => p.hooks ?? []),
    blobs: new BlobStore(config.data_dir),
    lookup: createLookup(db),
    log: root.child({ component: 'ingest' }),
    pool,
    signal: stop.signal,
  };
  const read = async (folder: OpenFolder) => {
    const stats = await ingestFolder(pass, folder);
    if (stats.fetched || stats.remarked || stats.replayed) log.info({ ...stats }, 'mailbox pass done');
    for (const p of parts) p.afterPass?.(ctx, stats);
  };
  log.info({ once: opts.once, parseWorkers: pool.workers, folder: config.mailbox.folder }, 'ticketd starting');
  try {
    if (opts.once) {
      await readMailboxOnce(config.mailbox, root.child({ component: 'mailbox' }), read);
      for (const p of parts) if (!stop.signal.aborted) await p.once?.(ctx);
    } else {
      // A part that fails stops the daemon (exit 1) rather than running on half-working.
      const loops = [
        watchMailbox({
          settings: config.mailbox,
          log: root.child({ component: 'mailbox' }),
          read,
          signal: stop.signal,
          onState: opts.onMailboxState,
        }),
        ...parts.map((p) =>
          p.run?.(ctx).catch((err: unknown) => {
            log.error({ err, part: p.name }, 'daemon part failed; stopping');
            stop.abort();
            throw err;
          }),
        ),
      ];
      const failed = (await Promise.allSettled(loops)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } finally {
    db.close();
    log.info('ticketd stopped');
  }
}
