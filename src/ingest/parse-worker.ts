import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { Mail } from '../router/types.js';
import { BlobStore } from './blob-store.js';
import { parseAndStore } from './parse-store.js';

// One parse worker. It reads the raw mail the ingest pass has already stored, parses it and
// stores the attachments itself, so only a file name goes in and plain data comes out: the
// main thread copies no message bytes.

export interface ParseRequest {
  id: number;
  dataDir: string;
  /** Relative to dataDir. */
  rawPath: string;
  attachmentMaxBytes: number;
}

export type ParseReply = { id: number; ok: true; mail: Mail } | { id: number; ok: false; message: string };

const stores = new Map<string, BlobStore>();

parentPort?.on('message', async (req: ParseRequest) => {
  let reply: ParseReply;
  try {
    let blobs = stores.get(req.dataDir);
    if (!blobs) stores.set(req.dataDir, (blobs = new BlobStore(req.dataDir)));
    reply = { id: req.id, ok: true, mail: await parseAndStore(blobs.read(req.rawPath), blobs, req.attachmentMaxBytes) };
  } catch (err) {
    reply = { id: req.id, ok: false, message: errorMessage(err) };
  }
  parentPort!.postMessage(reply);
});
