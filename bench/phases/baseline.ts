import { simpleParser } from 'mailparser';
import type { ImapTarget, Timed } from '../types.js';
import { connect } from './imap.js';
import { uidBatches } from './mailbox-range.js';

export interface BaselineArgs {
  imap: ImapTarget;
  batch: number;
}

/**
 * The bare loop ticketd is measured against: imapflow FETCH of full sources by UID range in
 * batches, each message parsed by mailparser's simpleParser as it arrives. Nothing stored.
 */
export async function run(args: BaselineArgs): Promise<Timed & { attachments: number }> {
  const t0 = performance.now();
  const client = await connect(args.imap);
  let count = 0;
  let attachments = 0;
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      for (const range of uidBatches(client, args.batch)) {
        for await (const msg of client.fetch(range, { uid: true, source: true }, { uid: true })) {
          if (!msg.source) throw new Error(`no source for UID ${msg.uid}`);
          const parsed = await simpleParser(msg.source);
          count++;
          attachments += parsed.attachments.length;
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { count, attachments, seconds: (performance.now() - t0) / 1000 };
}
