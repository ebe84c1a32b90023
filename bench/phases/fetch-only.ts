import type { ImapTarget, Timed } from '../types.js';
import { connect } from './imap.js';
import { uidBatches } from './mailbox-range.js';

export interface FetchArgs {
  imap: ImapTarget;
  batch: number;
}

/** FETCH of full sources by UID range, nothing else: the ceiling the IMAP side allows. */
export async function run(args: FetchArgs): Promise<Timed & { bytes: number }> {
  const t0 = performance.now();
  const client = await connect(args.imap);
  let count = 0;
  let bytes = 0;
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      for (const range of uidBatches(client, args.batch)) {
        for await (const msg of client.fetch(range, { uid: true, source: true }, { uid: true })) {
          count++;
          bytes += msg.source?.length ?? 0;
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { count, bytes, seconds: (performance.now() - t0) / 1000 };
}
