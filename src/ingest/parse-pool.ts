import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TicketdError } from '../errors.js';
import { parseMail, type ParsedMail } from './parse.js';
import type { ParseReply, ParseRequest } from './parse-worker.js';

// Parsing is the slow step of ingest, so it runs on worker threads (one per core by config).
// Callers start parses for a whole batch and await them in UID order; the commit order is
// theirs, the pool only decides where each parse runs.

export interface ParsePool {
  parse(raw: Buffer): Promise<ParsedMail>;
  /** Where parses run: the number of worker threads, 0 = in this thread. */
  readonly workers: number;
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  size: number;
  attachmentMaxBytes: number;
  /** A parse that takes longer is abandoned and its worker replaced (pathological MIME). */
  timeoutMs?: number;
}

const workerFile = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

export function createParsePool(opts: ParsePoolOptions): ParsePool {
  // Under a TypeScript test runner there is no compiled worker file: parse in this thread.
  if (opts.size <= 0 || !existsSync(workerFile)) {
    // One parse at a time: in one thread, interleaving parses only holds more in memory.
    let last: Promise<unknown> = Promise.resolve();
    return {
      workers: 0,
      parse(raw) {
        const next = last.then(() => parseMail(raw, { attachmentMaxBytes: opts.attachmentMaxBytes }));
        last = next.catch(() => undefined);
        return next;
      },
      close: async () => {},
    };
  }
  return new WorkerPool(opts.size, opts.attachmentMaxBytes, opts.timeoutMs ?? 120_000);
}

interface Job {
  id: number;
  raw: Buffer;
  resolve: (p: ParsedMail) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

class WorkerPool implements ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly workers: number,
    private readonly attachmentMaxBytes: number,
    private readonly timeoutMs: number,
  ) {
    for (let i = 0; i < workers; i++) this.slots.push(this.spawn());
  }

  parse(raw: Buffer): Promise<ParsedMail> {
    if (this.closed) return Promise.reject(new TicketdError('PARSE', 'parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, raw, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new TicketdError('PARSE', 'parse pool closed'));
    await Promise.all(this.slots.map((s) => this.retire(s, new TicketdError('PARSE', 'parse pool closed'))));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(workerFile), job: null, timer: null };
    slot.worker.on('message', (reply: ParseReply) => this.answer(slot, reply));
    // A crashed worker fails only the parse it had; a fresh one takes its place.
    slot.worker.on('error', (err) => this.replace(slot, new TicketdError('PARSE', `parse worker crashed: ${err.message}`, { cause: err })));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new TicketdError('PARSE', `parse worker exited with code ${code}`));
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(
        () => this.replace(slot, new TicketdError('PARSE', `parse took longer than ${this.timeoutMs} ms: abandoned`)),
        this.timeoutMs,
      );
      const req: ParseRequest = { id: job.id, raw: job.raw, attachmentMaxBytes: this.attachmentMaxBytes };
      slot.worker.postMessage(req);
    }
  }

  private answer(slot: Slot, reply: ParseReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    this.finish(slot);
    if (reply.ok) {
      const parts = reply.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
      job.resolve({ mail: reply.mail, parts });
    } else {
      job.reject(new TicketdError('PARSE', reply.message));
    }
    this.dispatch();
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  private replace(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    void this.retire(slot, err);
    if (!this.closed) {
      this.slots[i] = this.spawn();
      this.dispatch();
    } else {
      this.slots.splice(i, 1);
    }
  }

  private async retire(slot: Slot, err: Error): Promise<void> {
    const job = slot.job;
    this.finish(slot);
    job?.reject(err);
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
  }
}
