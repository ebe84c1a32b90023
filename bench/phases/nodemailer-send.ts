import nodemailer from 'nodemailer';
import { outboxMails } from '../outgoing.js';
import type { Timed } from '../types.js';

export interface SendArgs {
  smtpPort: number;
  from: string;
  poolSize: number;
  /** Send the pending mails of this database's outbox (left there by the ingest pass). */
  database: string;
}

/**
 * The bare baseline: nodemailer's pooled transport (same pool size as ticketd's config) sending
 * the same mails, all queued at once, no database.
 */
export async function run(args: SendArgs): Promise<Timed & { failed: number }> {
  const mails = outboxMails(args.database);

  const t0 = performance.now();
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: args.smtpPort,
    secure: false,
    maxConnections: args.poolSize,
  });
  let failed = 0;
  try {
    const results = await Promise.allSettled(
      mails.map((m) =>
        transport.sendMail({
          from: args.from,
          to: m.to,
          subject: m.subject,
          messageId: `<${m.messageId}>`,
          inReplyTo: m.inReplyTo ? `<${m.inReplyTo}>` : undefined,
          references: m.references.length ? m.references.map((r) => `<${r}>`) : undefined,
          date: new Date(m.date),
          headers: m.headers,
          text: m.text,
          html: m.html ?? undefined,
        }),
      ),
    );
    failed = results.filter((r) => r.status === 'rejected').length;
  } finally {
    transport.close();
  }
  return { count: mails.length - failed, failed, seconds: (performance.now() - t0) / 1000 };
}
