import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TicketdError } from '../errors.js';
import type { Mail } from '../router/types.js';
import { BlobStore } from './blob-store.js';
import { parseAndStore } from './parse-store.js';
import type { ParseReply, ParseRequest } from './parse-worker.js';

// Parsing is the slow step of ingest, so it runs on worker threads (config parse_workers, one
// per core). Callers start parses a few messages ahead and await them in UID order; the
// commit order is theirs, the pool only decides where each parse runs. A parse reads the raw
// mail (sent with the job, or from the blob store) and stores its attachments there (see
// parse-worker.ts).

export interface ParsePool {
  /**
   * Parse the stored raw mail at rawPath (relative to data_dir). `raw`, when the caller has the
   * bytes, saves reading them back; it is handed over: a Buffer that is all of its memory is
   * moved to the worker and left empty.
   */
  parse(rawPath: string, raw?: Buffer): Promise<Mail>;
  /** Where parses run: the number of worker threads, 0 = in this thread. */
  readonly workers: number;
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  size: number;
  dataDir: string;
  attachmentMaxBytes: number;
  /** A parse that takes longer is abandoned and its worker replaced (pathological MIME). */
  timeoutMs?: number;
}

const workerFile = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

// Jobs posted to one worker before it answers: the next ones wait in its port, so it never
// idles while the main thread is busy committing a group (up to 32 messages, 10-30 ms; with 8
// the worker ran dry during each one, and the commits then came one message at a time).
const IN_FLIGHT = 32;

export function createParsePool(opts: ParsePoolOptions): ParsePool {
  // Under a TypeScript test runner there is no compiled worker file: parse in this thread.
  if (opts.size <= 0 || !existsSync(workerFile)) {
    const blobs = new BlobStore(opts.dataDir);
    // One parse at a time: in one thread, interleaving parses only holds more in memory.
    let last: Promise<unknown> = Promise.resolve();
    return {
      workers: 0,
      parse(rawPath, raw) {
        const next = last.then(() => parseAndStore(raw ?? blobs.read(rawPath), blobs, opts.attachmentMaxBytes));
        last = next.catch(() => undefined);
        return next;
      },
      close: async () => {},
    };
  }
  return new WorkerPool(opts);
}

interface Job {
  id: number;
  rawPath: string;
  /** The raw bytes when the caller has them (kept until sent: a requeue sends them again, or reads the file). */
  raw: Buffer | null;
  resolve: (m: Mail) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  /** Runs while the worker holds jobs; restarted by each answer (see watch). */
  timer: NodeJS.Timeout | null;
}

class WorkerPool implements ParsePool {
  readonly workers: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: ParsePoolOptions) {
    this.workers = opts.size;
    for (let i = 0; i < opts.size; i++) this.slots.push(this.spawn());
  }

  parse(rawPath: string, raw?: Buffer): Promise<Mail> {
    if (this.closed) return Promise.reject(new TicketdError('PARSE', 'parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, rawPath, raw: raw ?? null, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new TicketdError('PARSE', 'parse pool closed'));
    await Promise.all(this.slots.map((s) => this.retire(s, new TicketdError('PARSE', 'parse pool closed'))));
  }

  private spawn(): Slot {
    // The young generation is bounded to keep each worker's footprint down (the bench's peak
    // RSS target is < 250 MB). 24 MB rather than 8: fewer scavenges, less promoted to the old
    // generation, 4% more throughput for 10 MB of RSS (6 interleaved bench rounds each). The
    // old generation still has room for a message with a large attachment.
    const worker = new Worker(workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 512 } });
    const slot: Slot = { worker, jobs: new Map(), timer: null };
    worker.on('message', (reply: ParseReply) => this.answer(slot, reply));
    // A crashed worker fails the oldest parse it had (the one it was working on); the others
    // go back to the queue for a fresh worker.
    worker.on('error', (err) => this.replace(slot, this.oldest(slot), new TicketdError('PARSE', `parse worker crashed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, this.oldest(slot), new TicketdError('PARSE', `parse worker exited with code ${code}`));
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      while (slot.jobs.size < IN_FLIGHT && this.queue.length) {
        const job = this.queue.shift()!;
        slot.jobs.set(job.id, job);
        const req: ParseRequest = { id: job.id, dataDir: this.opts.dataDir, rawPath: job.rawPath, attachmentMaxBytes: this.opts.attachmentMaxBytes };
        if (job.raw) {
          // The bytes are moved (not cloned) to the worker instead of it reading back the file
          // just written. A Buffer that is all of its memory moves as it is (this thread no
          // longer has it: a requeue reads the stored file); a slice of a larger one is copied
          // first, since cloning would copy the whole slab.
          const raw = job.raw;
          const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer;
          const bytes = whole ? new Uint8Array(raw.buffer) : Uint8Array.from(raw);
          if (whole) job.raw = null;
          req.raw = bytes;
          slot.worker.postMessage(req, [bytes.buffer as ArrayBuffer]);
        } else slot.worker.postMessage(req);
      }
      if (!slot.timer) this.watch(slot);
    }
  }

  /**
   * A worker parses its jobs one at a time in the order posted, so the oldest unanswered job
   * is the one running: if no answer comes for timeoutMs, that one is abandoned. The clock
   * restarts with every answer.
   */
  private watch(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (!slot.jobs.size) return;
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    slot.timer = setTimeout(() => {
      slot.timer = null;
      this.replace(slot, this.oldest(slot), new TicketdError('PARSE', `parse took longer than ${timeoutMs} ms: abandoned`));
    }, timeoutMs);
  }

  private answer(slot: Slot, reply: ParseReply): void {
    const job = slot.jobs.get(reply.id);
    if (!job) return;
    slot.jobs.delete(reply.id);
    this.watch(slot);
    if (reply.ok) job.resolve(reply.mail);
    // A storage failure keeps its code across the thread: the pass retries it, never `failed`.
    else if (reply.storage) job.reject(new TicketdError('STORE', reply.message, { cause: Object.assign(new Error(reply.message), { code: reply.storage }) }));
    else job.reject(new TicketdError('PARSE', reply.message));
    this.dispatch();
  }

  private oldest(slot: Slot): Job | null {
    return slot.jobs.values().next().value ?? null;
  }

  /**
   * Replace a hung or crashed worker: `culprit` (the oldest job: the one it was running) fails
   * with `err`; the others it held had not started, so they go back to the queue, first in
   * line, however often this happens.
   */
  private replace(slot: Slot, culprit: Job | null, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const others = [...slot.jobs.values()].filter((j) => j !== culprit);
    slot.jobs.clear();
    this.watch(slot);
    culprit?.reject(err);
    if (this.closed) for (const job of others) job.reject(err);
    else this.queue.unshift(...others);
    void this.retire(slot, err);
    if (!this.closed) {
      this.slots[i] = this.spawn();
      this.dispatch();
    } else {
      this.slots.splice(i, 1);
    }
  }

  private async retire(slot: Slot, err: Error): Promise<void> {
    for (const job of slot.jobs.values()) job.reject(err);
    slot.jobs.clear();
    this.watch(slot);
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
  }
}
