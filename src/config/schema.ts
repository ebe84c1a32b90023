import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { PRIORITIES, ROLES } from '../tickets/status.js';
import { compileRulePattern } from './rule-regex.js';

// The one source of the config type. Rule operators and fields are closed sets so that a
// typo fails at start-up with its path instead of silently never matching.

/** A zone name Intl knows (the ICU copy of the IANA database); throws RangeError otherwise. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase id: letters, digits, _ and -');

export const ruleOps = ['equals', 'contains', 'matches', 'domain'] as const;
export type RuleOp = (typeof ruleOps)[number];

const fieldName = z
  .string()
  .refine(
    (f) => ['from', 'to', 'subject', 'body'].includes(f) || /^header:[A-Za-z0-9-]+$/.test(f),
    { message: 'field must be from, to, subject, body or header:<name>' },
  );

const condition = z
  .object({
    field: fieldName,
    op: z.enum(ruleOps),
    value: z.string().min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op !== 'matches') return;
    try {
      compileRulePattern(c.value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: (err as Error).message });
    }
  });

const rule = z
  .object({
    name: z.string().min(1),
    match: z.array(condition).min(1),
    set: z
      .object({
        type: id.optional(),
        assignee: id.optional(),
        priority: z.enum(PRIORITIES).optional(),
      })
      .strict(),
    continue: z.boolean().default(false),
  })
  .strict();

const staff = z
  .object({
    id,
    name: z.string().min(1),
    email: z.string().email(),
    role: z.enum(ROLES),
    // The OS login that acts as this staff member on the CLI when neither --as nor TICKETD_AS is given.
    login: z.string().min(1).optional(),
    // Other From addresses accepted from this staff member with a signed reply address only.
    aliases: z.array(z.string().email()).default([]),
  })
  .strict();

const requestType = z
  .object({
    id,
    prefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'prefix: 2-10 capital letters or digits'),
    label: z.string().min(1),
    // The type as clients read it in their acknowledgement; unset: label.
    client_label: z.string().min(1).optional(),
    // Null for the triage queue: leads pick it up and assign.
    assignee: id.nullable().default(null),
    turnaround: z.string().default('2 business days'),
    // false: the assignee may close straight from open, without a checker's look (tbc).
    requires_check: z.boolean().default(true),
  })
  .strict();

const mailbox = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false),
    user: z.string().min(1),
    password: z.string().min(1),
    folder: z.string().default('INBOX'),
    processed_folder: z.string().min(1).optional(),
    poll_seconds: z.number().positive().default(60),
    // Messages fetched per round trip; bounds memory together with the size of each message.
    batch_size: z.number().int().min(1).max(1000).default(100),
    // Without secure: STARTTLS is required unless this says a plaintext login is fine (loopback).
    allow_plaintext: z.boolean().default(false),
    // Where a database that never read this folder starts: `now` leaves the mail already there
    // alone (no ticket, no acknowledgement), `all` takes every message, a date (YYYY-MM-DD,
    // midnight in `timezone`, or an ISO time with an offset) takes what arrived from then on.
    start_from: z
      .string()
      .default('now')
      .refine((v) => v === 'all' || v === 'now' || isStartDate(v), {
        message: 'all, now, a date YYYY-MM-DD or an ISO time with Z or an offset',
      }),
  })
  .strict();

/** A start_from date: YYYY-MM-DD (a real day) or an ISO time with Z or an offset. */
export function isStartDate(v: string): boolean {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) {
    const d = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return d.getUTCMonth() === Number(day[2]) - 1 && d.getUTCDate() === Number(day[3]);
  }
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
}

const smtp = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
    pool_size: z.number().int().min(1).max(20).default(3),
    // Seconds to wait before retry n (the last value repeats until max_attempts).
    retry_seconds: z.array(z.number().nonnegative()).min(1).default([30, 120, 600, 1800, 3600]),
    max_attempts: z.number().int().min(1).default(10),
    // Without secure: STARTTLS is required unless this says plaintext is fine (loopback).
    allow_plaintext: z.boolean().default(false),
  })
  .strict();

const clients = z
  .object({
    // any: unknown senders open tickets like clients; known: only listed organisations do.
    allow: z.enum(['any', 'known']).default('any'),
    organisations: z
      .array(z.object({ name: z.string().min(1), domains: z.array(z.string().min(3)).min(1) }).strict())
      .default([]),
  })
  .strict();

// Automatic replies (acknowledgements, status answers, unknown-sender answers) per recipient,
// and every outgoing mail globally. Rows over the per-recipient limit are kept as "held";
// rows over the global one wait (pending) until the window frees. Never dropped.
const window = (count: number, minutes: number) =>
  z
    .object({ count: z.number().int().min(1).default(count), minutes: z.number().positive().default(minutes) })
    .strict()
    .default({ count, minutes });

const rateLimits = z
  .object({
    per_recipient: window(5, 60),
    global: window(100, 10),
    // Confirmations and forwards to one staff member about one ticket: far above any person's
    // pace, low enough that a loop with a staff auto-responder stops within the hour.
    staff_per_ticket: window(20, 60),
  })
  .strict();

// A client mail whose whole subject or first line is one of these words (optionally with "?")
// asks for a summary of their open tickets instead of opening one.
const statusRequest = z
  .object({
    words: z.array(z.string().trim().min(1)).default(['status']),
  })
  .strict();

const limits = z
  .object({
    attachment_max_bytes: z.number().int().positive().default(25 * 1024 * 1024),
    // A larger message (by the server's RFC822.SIZE) is streamed to data_dir, never parsed or
    // held whole in memory, and journaled failed with the reason.
    max_message_bytes: z.number().int().positive().default(50 * 1024 * 1024),
    // The files one outgoing mail carries (a forward to the assignee, a staff reply to the
    // client): base64 adds a third, so 18 MB keeps a mail under the 25 MB servers often take.
    mail_attachments_max_bytes: z.number().int().positive().default(18 * 1024 * 1024),
  })
  .strict();

// Whose Authentication-Results (RFC 8601) we believe: those our own receiving server writes,
// named by its authserv-id. Anyone can write such a header, so one with another id is ignored.
// require: dmarc: the From domain passed DMARC; aligned: that, or (where the domain publishes no
// DMARC policy) an SPF or DKIM pass for a domain aligned with it.
const mailAuth = z
  .object({
    trusted_authserv_ids: z.array(z.string().trim().min(1)).default([]),
    require: z.enum(['dmarc', 'aligned']).default('dmarc'),
  })
  .strict();

// Signed reply addresses (README "Email commands"): the highest version signs, every key
// verifies, so a secret is rotated by adding a version and dropping the old one later.
const replyAddresses = z
  .object({
    keys: z.array(z.object({ version: z.number().int().min(1).max(255), secret: z.string().min(16) }).strict()).min(1),
    max_age_days: z.number().int().min(1).max(3650).default(90),
    separator: z.string().regex(/^[+\-_=]$/, 'one of + - _ =').default('+'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<number>();
    r.keys.forEach((k, i) => {
      if (seen.has(k.version)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'version'], message: `duplicate key version ${k.version}` });
      seen.add(k.version);
    });
  });

// The scheduler (src/schedule/jobs.ts): each job's local time in `timezone`, or false for off.
const jobTime = z.union([
  z.literal(false),
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM (24-hour, e.g. 08:00), or false to switch the job off'),
]);
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: 'not a calendar date' });
const schedule = z
  .object({
    daily_list: jobTime.default('08:00'),
    tbc_reminder: jobTime.default('15:30'),
    sweep: jobTime.default('17:00'),
    // Staff ids who get the end-of-day sweep; unset: every manager (every lead when there is none).
    sweep_to: z.array(id).min(1).optional(),
  })
  .strict();

// The relay of a staff member's mail reply to the client (README "Email commands"): the
// signature split off the new text ("-- " block, "Sent from my iPhone") goes along only if kept.
const relay = z
  .object({
    keep_signature: z.boolean().default(false),
  })
  .strict();

export const configSchema = z
  .object({
    database: z.string().min(1),
    data_dir: z.string().min(1),
    timezone: z.string().default('UTC').refine(isTimeZone, { message: 'not an IANA time zone name (e.g. America/Chicago)' }),
    support_address: z.string().email(),
    // Our own outgoing mail carries this header; seeing it on incoming mail means a loop.
    loop_header: z.string().default('X-Ticketd-Loop'),
    // Signs our mails ("The Acme support team") in the shared header/footer templates.
    public_name: z.string().min(1).default('Support'),
    // Handlebars templates of every mail we send, relative to the config file's directory;
    // unset: the templates shipped with ticketd (config/templates in the package).
    templates_dir: z.string().min(1).optional(),
    rate_limits: rateLimits.default({ per_recipient: { count: 5, minutes: 60 }, global: { count: 100, minutes: 10 }, staff_per_ticket: { count: 20, minutes: 60 } }),
    ticket_number_start: z.number().int().min(1).default(1000),
    // One core stays with the main thread (IMAP, pipeline, commits): on 2 cores, 1 worker
    // measured the same CPU per mail as 2 and ~30-50 MB less peak RSS.
    parse_workers: z.number().int().min(0).max(16).default(() => Math.min(16, Math.max(1, availableParallelism() - 1))),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    mailbox,
    smtp: smtp.optional(),
    clients: clients.default({ allow: 'any', organisations: [] }),
    limits: limits.default({ attachment_max_bytes: 25 * 1024 * 1024, max_message_bytes: 50 * 1024 * 1024, mail_attachments_max_bytes: 18 * 1024 * 1024 }),
    status_request: statusRequest.default({ words: ['status'] }),
    mail_auth: mailAuth.default({ trusted_authserv_ids: [], require: 'dmarc' }),
    staff: z.array(staff).min(1),
    reply_addresses: replyAddresses.optional(),
    request_types: z.array(requestType).min(1),
    triage_type: id,
    rules: z.array(rule).default([]),
    schedule: schedule.default({ daily_list: '08:00', tbc_reminder: '15:30', sweep: '17:00' }),
    business_days: z.array(z.enum(WEEKDAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    // Local dates (in `timezone`) on which no scheduled job runs.
    holidays: z.array(isoDate).default([]),
    relay: relay.default({ keep_signature: false }),
  })
  .strict()
  // Cross-references are checked even when other parts of the file are invalid (zod skips a
  // refinement after any earlier issue by default), so one run lists every problem. The input
  // may then be malformed anywhere, hence the defensive reads.
  .superRefine(
    (input, ctx) => {
      const c = input as Partial<Record<string, unknown>>;
      const list = (v: unknown): Record<string, unknown>[] =>
        Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      const staffList = list(c.staff);
      const types = list(c.request_types);
      const staffIds = new Set(staffList.map((s) => str(s.id)));
      const typeIds = new Set(types.map((t) => str(t.id)));
      const dup = (items: (string | undefined)[], path: (i: number) => (string | number)[], what: string) => {
        const seen = new Set<string>();
        items.forEach((v, i) => {
          if (v === undefined) return;
          if (seen.has(v)) ctx.addIssue({ code: 'custom', path: path(i), message: `duplicate ${what} "${v}"` });
          seen.add(v);
        });
      };
      dup(staffList.map((s) => str(s.id)), (i) => ['staff', i, 'id'], 'staff id');
      dup(staffList.map((s) => str(s.email)?.toLowerCase()), (i) => ['staff', i, 'email'], 'staff email');
      dup(types.map((t) => str(t.id)), (i) => ['request_types', i, 'id'], 'request type id');
      dup(staffList.map((s) => str(s.login)), (i) => ['staff', i, 'login'], 'staff login');
      dup(types.map((t) => str(t.prefix)), (i) => ['request_types', i, 'prefix'], 'prefix');
      types.forEach((t, i) => {
        const a = str(t.assignee);
        if (a && !staffIds.has(a))
          ctx.addIssue({ code: 'custom', path: ['request_types', i, 'assignee'], message: `unknown staff id "${a}"` });
      });
      const triage = str(c.triage_type);
      if (triage !== undefined && types.length && !typeIds.has(triage))
        ctx.addIssue({ code: 'custom', path: ['triage_type'], message: `unknown request type "${triage}"` });
      list(c.rules).forEach((r, i) => {
        const set = r.set && typeof r.set === 'object' ? (r.set as Record<string, unknown>) : {};
        const type = str(set.type);
        const assignee = str(set.assignee);
        if (type && types.length && !typeIds.has(type))
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'set', 'type'], message: `unknown request type "${type}"` });
        if (assignee && staffList.length && !staffIds.has(assignee))
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'set', 'assignee'], message: `unknown staff id "${assignee}"` });
      });
      const sched = c.schedule && typeof c.schedule === 'object' ? (c.schedule as Record<string, unknown>) : {};
      (Array.isArray(sched.sweep_to) ? sched.sweep_to : []).forEach((who, i) => {
        if (typeof who === 'string' && staffList.length && !staffIds.has(who))
          ctx.addIssue({ code: 'custom', path: ['schedule', 'sweep_to', i], message: `unknown staff id "${who}"` });
      });
      const m = c.mailbox && typeof c.mailbox === 'object' ? (c.mailbox as Record<string, unknown>) : {};
      const folder = str(m.folder) ?? 'INBOX';
      const processed = str(m.processed_folder);
      // INBOX is case-insensitive in IMAP (RFC 3501 5.1): "Inbox" is the same folder.
      const inbox = (f: string) => f.toUpperCase() === 'INBOX';
      if (processed && (processed === folder || (inbox(processed) && inbox(folder))))
        ctx.addIssue({ code: 'custom', path: ['mailbox', 'processed_folder'], message: 'must differ from mailbox.folder' });
    },
    { when: () => true },
  );

export type Config = z.infer<typeof configSchema>;
export type Rule = Config['rules'][number];
export type RuleCondition = Rule['match'][number];
export type Staff = Config['staff'][number];
export type RequestType = Config['request_types'][number];
