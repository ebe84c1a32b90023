import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { BlobStore } from '../ingest/blob-store.js';
import type { ParsedMail } from '../ingest/parse.js';
import type { Logger } from '../log.js';
import { runPipeline } from '../router/pipeline.js';
import type { LookupPort, Mail } from '../router/types.js';
import type { Db } from '../store/db.js';
import { applyOutcome, applyPlan, type Applied, type MailboxPosition } from './apply-plan.js';
import type { ChangeHook } from './changes.js';

// From a parsed message (or the error that stopped its parse) to its committed outcome:
// attachments to the blob store, the pipeline, then the one transaction. Shared by the
// mailbox pass and `reprocess`. Any error becomes the outcome `failed`; the raw bytes stay.

export interface ProcessContext {
  db: Db;
  config: Readonly<Config>;
  hooks: readonly ChangeHook[];
  blobs: BlobStore;
  lookup: LookupPort;
  log: Logger;
}

export function processParsed(
  ctx: ProcessContext,
  journalId: number,
  parsed: ParsedMail | Error,
  position?: MailboxPosition,
): Applied {
  if (parsed instanceof Error) {
    return failed(ctx, journalId, `parse failed: ${errorMessage(parsed)}`, position, parsed);
  }
  let mail: Mail;
  try {
    mail = storeAttachments(ctx.blobs, parsed);
  } catch (err) {
    return failed(ctx, journalId, `attachment not stored: ${errorMessage(err)}`, position, err);
  }
  try {
    const result = runPipeline(mail, { config: ctx.config, lookup: ctx.lookup });
    return applyPlan(ctx, { journalId, mail, result, position });
  } catch (err) {
    return failed(ctx, journalId, `not applied: ${errorMessage(err)}`, position, err);
  }
}

function failed(ctx: ProcessContext, journalId: number, reason: string, position: MailboxPosition | undefined, err: unknown): Applied {
  ctx.log.warn({ err, journalId }, 'message failed; raw kept for reprocess');
  return applyOutcome(ctx, journalId, 'failed', reason, position);
}

/** Write each kept attachment content-addressed and note where it went. */
function storeAttachments(blobs: BlobStore, { mail, parts }: ParsedMail): Mail {
  const attachments = mail.attachments.map((a, i) => {
    const part = parts[i];
    if (!part || (part.length === 0 && a.sha256 === null)) return a; // over the cap: the note says why
    const blob = blobs.put('attachments', part);
    return { ...a, sha256: blob.sha256, storedPath: blob.path };
  });
  return { ...mail, attachments };
}
