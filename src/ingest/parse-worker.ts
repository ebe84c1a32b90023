import { parentPort } from 'node:worker_threads';
import { errorMessage, storageCode } from '../errors.js';
import type { Mail } from '../router/types.js';
import { BlobStore } from './blob-store.js';
import { parseAndStore } from './parse-store.js';

// One parse worker. It gets the raw mail the ingest pass has already stored (its bytes moved
// with the job, or read back from the blob store for replays), parses it and stores the
// attachments itself, so plain data comes out and no parsed part crosses threads.

export interface ParseRequest {
  id: number;
  dataDir: string;
  /** Relative to dataDir. */
  rawPath: string;
  /** The stored bytes at rawPath, when the sender had them in memory (saves reading the file). */
  raw?: Uint8Array;
  attachmentMaxBytes: number;
}

/** `storage`: the errno or SQLite code when storing failed (a full disk), not the mail. */
export type ParseReply = { id: number; ok: true; mail: Mail } | { id: number; ok: false; message: string; storage?: string };

const stores = new Map<string, BlobStore>();

// One parse at a time, in the order posted: the pool keeps several jobs queued here, and
// interleaving them would only hold more in memory and answer the oldest (the one the
// ingest pass waits for) last. It also makes the oldest unanswered job the one running.
const waiting: ParseRequest[] = [];
let running = false;

parentPort?.on('message', (req: ParseRequest) => {
  waiting.push(req);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  for (let req = waiting.shift(); req; req = waiting.shift()) parentPort!.postMessage(await handle(req));
  running = false;
}

async function handle(req: ParseRequest): Promise<ParseReply> {
  try {
    let blobs = stores.get(req.dataDir);
    if (!blobs) stores.set(req.dataDir, (blobs = new BlobStore(req.dataDir)));
    const raw = req.raw ? Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength) : blobs.read(req.rawPath);
    if (testHooks) misbehave(raw);
    return { id: req.id, ok: true, mail: await parseAndStore(raw, blobs, req.attachmentMaxBytes) };
  } catch (err) {
    const storage = storageCode(err);
    return { id: req.id, ok: false, message: errorMessage(err), ...(storage ? { storage } : {}) };
  }
}

// Tests only (TICKETD_TEST_PARSE_HOOKS=1): a mail with "X-Test-Parse: hang" blocks this thread
// like a pathological parse would, one with "X-Test-Parse: crash" ends the worker, and one
// with "X-Test-Parse: kill-process" takes the whole daemon down (SIGKILL), as a native crash
// in the parser or the kernel's OOM killer would. No real mail is reliably slow for long or
// fatal (the parser's bugs get fixed), so the test makes one.
const testHooks = process.env.TICKETD_TEST_PARSE_HOOKS === '1';

function misbehave(raw: Buffer): void {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n') >>> 0).toString('latin1');
  if (/^X-Test-Parse: hang$/im.test(head)) for (;;);
  if (/^X-Test-Parse: crash$/im.test(head)) process.exit(70);
  if (/^X-Test-Parse: kill-process$/im.test(head)) process.kill(process.pid, 'SIGKILL');
}
