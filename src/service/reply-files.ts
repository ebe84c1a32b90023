import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { BlobStore } from '../ingest/blob-store.js';
import { safeFilename } from '../ingest/filename.js';
import type { AttachmentInfo } from '../router/types.js';
import type { Refusal } from '../tickets/rules.js';
import { refuse } from './ticket-core.js';

/**
 * Files a staff member attaches to a reply, stored in the blob store (fsynced, with their
 * directories) before the transaction that names them, as ingest stores a client's. Each is
 * held to limits.attachment_max_bytes; a file that cannot be read or is too big refuses the
 * whole reply, so a client never gets half of what was meant.
 */
export function storeReplyFiles(config: Config, files: readonly string[]): AttachmentInfo[] | Refusal {
  const max = config.limits.attachment_max_bytes;
  const read: { name: string; data: Buffer }[] = [];
  for (const file of files) {
    try {
      const size = statSync(file).size;
      if (size > max) return refuse('bad_input', `${path.basename(file)} is ${size} bytes, over limits.attachment_max_bytes (${max})`);
      read.push({ name: path.basename(file), data: readFileSync(file) });
    } catch (err) {
      return refuse('bad_input', `cannot read ${path.basename(file)}: ${errorMessage(err)}`);
    }
  }
  if (!read.length) return [];
  const blobs = new BlobStore(config.data_dir);
  const stored = read.map(({ name, data }, i): AttachmentInfo => {
    const blob = blobs.put('attachments', data);
    const filename = safeFilename(name, i);
    return { filename, contentType: detectMimeType(filename) || 'application/octet-stream', size: blob.size, sha256: blob.sha256, storedPath: blob.path };
  });
  blobs.syncDirs();
  return stored;
}
