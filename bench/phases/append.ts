import { generateMailbox } from '../generate.js';
import type { ImapTarget, MailboxSummary, Timed } from '../types.js';
import { connect } from './imap.js';

export interface AppendArgs {
  imap: ImapTarget;
  count: number;
  seed: number;
  supportAddress: string;
  /** APPENDs in flight on the one connection (FIFO, so UID order = generation order). */
  window: number;
}

/** Generate the mailbox and APPEND it to INBOX; generation time is not counted in the rate. */
export async function run(args: AppendArgs): Promise<Timed & { summary: MailboxSummary; generateSeconds: number }> {
  const summary: MailboxSummary = {
    count: 0,
    bytes: 0,
    shapes: { plain: 0, html: 0, attachment: 0 },
    originals: { refund: 0, tech: 0, facebook: 0, seo: 0, billing: 0, unmatched: 0 },
    replies: 0,
  };
  const g0 = performance.now();
  const mails = [...generateMailbox({ count: args.count, seed: args.seed, supportAddress: args.supportAddress })];
  const generateSeconds = (performance.now() - g0) / 1000;

  const client = await connect(args.imap);
  try {
    const t0 = performance.now();
    const inFlight = new Set<Promise<unknown>>();
    for (const m of mails) {
      const p = client.append('INBOX', m.raw, [], m.date).then((r) => {
        if (!r) throw new Error(`APPEND of mail ${m.index} failed`);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
      if (inFlight.size >= args.window) await Promise.race(inFlight);
      summary.count++;
      summary.bytes += m.raw.length;
      summary.shapes[m.shape]++;
      if (m.reply) summary.replies++;
      else summary.originals[m.kind]++;
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - t0) / 1000;
    return { count: summary.count, seconds, summary, generateSeconds };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
