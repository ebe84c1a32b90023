// The data each mail template sees. Every key is always present (null when unknown), so the
// strict templates can tell a typo from an empty value.

export const mailKinds = ['ack', 'assigned', 'closed', 'status', 'unknown_sender', 'sent_back', 'reply', 'forward', 'confirmation', 'reply_refused', 'daily_list', 'tbc_reminder', 'sweep'] as const;
export type MailKind = (typeof mailKinds)[number];

/** Template file stem of a kind: `unknown_sender` → `unknown-sender.text.hbs`. */
export const fileStem = (kind: MailKind): string => kind.replace(/_/g, '-');

export interface Brand {
  /** config public_name, e.g. "Bright Pixel Media Support". */
  name: string;
  /** The support address replies go to. */
  address: string;
}

interface Base {
  brand: Brand;
}

export interface AckData extends Base {
  key: string;
  subject: string;
  /** A person's name to greet by; null: "Hello," (src/templates/greeting-name.ts). */
  clientName: string | null;
  /** The request type as clients read it: client_label, else label. */
  typeLabel: string;
  /** null for the triage queue: nobody can tell how long an unsorted request takes. */
  turnaround: string | null;
}

export interface AssignedData extends Base {
  key: string;
  subject: string;
  assigneeName: string;
  clientName: string | null;
  clientEmail: string;
  organisation: string | null;
  typeLabel: string;
  priority: string;
  /** The client's words with links removed and length capped. */
  summary: string;
  /** Who (re)assigned it by hand; null when routing did on arrival. */
  assignedBy: string | null;
  /** Why it was reassigned (required then); null otherwise. */
  reason: string | null;
  /** Signed reply addresses are configured: a reply to this notice reaches the ticket. */
  replyByMail: boolean;
}

/** To the worker whose tbc work the checker sent back. */
export interface SentBackData extends Base {
  key: string;
  subject: string;
  workerName: string;
  checkerName: string;
  reason: string;
  typeLabel: string;
  /** Signed reply addresses are configured: "#tbc" in a reply to this notice marks it done. */
  replyByMail: boolean;
}

/** A staff member's answer to the client, written by a person and signed with their name. */
export interface ReplyData extends Base {
  key: string;
  subject: string;
  clientName: string | null;
  text: string;
  staffName: string;
  /** The text opens with its own greeting: the template adds none (src/templates/own-words.ts). */
  greets: boolean;
  /** The text ends with its own sign-off: the template adds none. */
  signsOff: boolean;
}

export interface ClosedData extends Base {
  key: string;
  subject: string;
  clientName: string | null;
}

export interface StatusLine {
  key: string;
  subject: string;
  status: string;
  /** When it was opened, in words: "3 days ago". */
  opened: string;
}

export interface StatusData extends Base {
  clientName: string | null;
  count: number;
  tickets: StatusLine[];
}

/** Nothing of the stranger's own mail: the answer may reach someone whose address was forged. */
export type UnknownSenderData = Base;

/** A client's message on a ticket, forwarded to its assignee (who answers by replying). */
export interface ForwardData extends Base {
  key: string;
  subject: string;
  assigneeName: string;
  clientName: string | null;
  clientEmail: string;
  /** The new text of the client's message. */
  text: string;
  /** Their message reopened a closed ticket. */
  reopened: boolean;
  /** How many of their files this mail carries. */
  attached: number;
  /** Their files this mail does not carry, and why (the ticket keeps every stored one). */
  omitted: { filename: string; why: string }[];
}

/** To a staff member after their mail to a signed reply address: what became of it. */
export interface ConfirmationData extends Base {
  /** Null when the mail opened no ticket (a refused #client mail). */
  key: string | null;
  subject: string;
  staffName: string;
  /** Each command line as written: applied or refused, and the sentence saying so. */
  lines: { line: string; applied: boolean; sentence: string }[];
  /** Whether the text went to the client or was kept as a note, and why. */
  text: string;
}

/** To a staff member whose signed reply address was used wrongly (at most daily). */
export interface ReplyRefusedData extends Base {
  staffName: string;
  reason: string;
}

/** A ticket line in a scheduled staff mail (src/schedule): keys plain, so a reply with [KEY] threads. */
export interface ScheduledLine {
  key: string;
  subject: string;
  /** When it was opened, in words: "3 days ago". */
  opened: string;
  status: string;
  /** The client wrote and nobody answered yet (the blue flag). */
  blue: boolean;
  assignee: string | null;
  worker: string | null;
  /** When it was marked done (tbc), in words: "5 hours ago"; null outside tbc. */
  done: string | null;
}

/** The 08:00 list to one staff member: their tickets, their checks, for leads the triage queue. */
export interface DailyListData extends Base {
  staffName: string;
  day: string;
  mine: ScheduledLine[];
  toCheck: ScheduledLine[];
  /** Leads and managers only; empty for agents. */
  triage: ScheduledLine[];
  counts: { mine: number; blue: number; toCheck: number; triage: number };
}

/** The afternoon reminder to one checker: tbc tickets waiting for their check. */
export interface TbcReminderData extends Base {
  staffName: string;
  day: string;
  count: number;
  tickets: ScheduledLine[];
}

/** The end-of-day sweep to managers: every ticket still in tbc, by checker. */
export interface SweepData extends Base {
  staffName: string;
  day: string;
  count: number;
  groups: { checker: string; count: number; tickets: ScheduledLine[] }[];
}

export interface MailData {
  ack: AckData;
  assigned: AssignedData;
  closed: ClosedData;
  status: StatusData;
  unknown_sender: UnknownSenderData;
  sent_back: SentBackData;
  reply: ReplyData;
  forward: ForwardData;
  confirmation: ConfirmationData;
  reply_refused: ReplyRefusedData;
  daily_list: DailyListData;
  tbc_reminder: TbcReminderData;
  sweep: SweepData;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string | null;
}
