import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { TicketdError, errorMessage } from '../errors.js';
import { parseMail } from '../ingest/parse.js';
import { notAMail } from '../mail/looks-like-mail.js';
import { runPipeline } from '../router/pipeline.js';
import { parseCommands, type ParsedCommands } from '../router/commands/parse.js';
import type { AttachmentInfo, Decision, LookupPort, Plan, TraceEntry } from '../router/types.js';
import { createLookup } from '../store/lookup.js';
import { openDbReadOnly } from '../store/read-only.js';

export type { Plan };

export interface Explanation {
  file: string;
  /** Why the file does not look like a mail (binary, no headers), or null: explained all the same. */
  notAMail: string | null;
  /** Where threading and known-client lookups came from. */
  lookup: 'database' | 'none (no database yet)';
  mail: {
    messageId: string | null;
    subject: string;
    from: string | null;
    recipients: string[];
    date: string | null;
    attachments: AttachmentInfo[];
    warnings: string[];
    /** The new text (quoted history and signature removed) and the signature split off. */
    visibleText: string;
    signature: string | null;
  };
  /** The `#` command lines at the top of the new text; applied only to staff mail to a signed reply address. */
  commands: ParsedCommands['commands'];
  trace: TraceEntry[];
  decision: Decision;
  plan: Plan;
  /** For staff mail to a signed reply address: the command lines found and the text that would be relayed. */
  staffMail?: ParsedCommands;
}

// With no database there is nothing to thread onto and nobody is known yet.
const emptyLookup: LookupPort = {
  ticketByKey: () => null,
  ticketById: () => null,
  ticketByMessageIds: () => null,
  isOwnMessageId: () => false,
  isKnownClient: () => false,
  replyAddressExposed: () => false,
};

/**
 * What the daemon would do with one message: parse, run the pipeline, return the trace and
 * the plan. Writes nothing: the database, when there is one, is opened read-only.
 */
export async function explainFile(config: Config, file: string): Promise<Explanation> {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new TicketdError('NOT_FOUND', `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const { mail } = await parseMail(raw, { attachmentMaxBytes: config.limits.attachment_max_bytes });
  const db = openDbReadOnly(config.database);
  try {
    const result = runPipeline(mail, { config, lookup: db ? createLookup(db) : emptyLookup });
    return {
      file,
      notAMail: notAMail(raw),
      lookup: db ? 'database' : 'none (no database yet)',
      mail: {
        messageId: mail.messageId,
        subject: mail.subject,
        from: mail.from ? (mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address) : null,
        recipients: mail.recipients,
        date: mail.date,
        attachments: mail.attachments,
        warnings: mail.warnings,
        visibleText: mail.visibleText,
        signature: mail.signature,
      },
      commands: parseCommands(mail.visibleText).commands,
      ...result,
      ...(result.plan.action === 'staff-mail' || result.plan.action === 'staff-open' ? { staffMail: parseCommands(mail.visibleText) } : {}),
    };
  } finally {
    db?.close();
  }
}
