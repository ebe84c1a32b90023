import type { Mail } from '../router/types.js';
import type { BlobStore } from './blob-store.js';
import { parseMail } from './parse.js';

// Parse raw mail and put its attachments in the blob store, so what comes back is plain data
// with storedPath filled in. Runs on a parse worker (the parts never cross threads) or in
// process (replays, tests, parse_workers: 0).

export async function parseAndStore(raw: Buffer, blobs: BlobStore, attachmentMaxBytes: number): Promise<Mail> {
  const { mail, parts } = await parseMail(raw, { attachmentMaxBytes });
  const attachments = mail.attachments.map((a, i) => {
    const part = parts[i];
    // Over the cap: nothing to store, the note says why.
    if (!part || (part.length === 0 && a.sha256 === null)) return a;
    // mailparser already computed the sha256 (checksumAlgo): no second pass over the bytes.
    const blob = blobs.put('attachments', part, a.sha256 ?? undefined);
    return { ...a, sha256: blob.sha256, storedPath: blob.path };
  });
  // The rows naming these files commit after this returns: their directory entries first.
  blobs.syncDirs();
  return { ...mail, attachments };
}
