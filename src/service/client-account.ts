import type { Config } from '../config/schema.js';
import { TicketdError } from '../errors.js';
import type { Db } from '../store/db.js';
import {
  closedTicketsOf,
  contactsOf,
  lastMessageOf,
  openTicketsOf,
  type ClientScope,
  type ContactRow,
} from '../store/read-client.js';
import type { TicketRow } from '../store/read-tickets.js';
import { withReadDb } from './read-db.js';

export type { ClientScope };

/** Recent closed tickets the view shows. */
export const RECENT_CLOSED = 10;
/** Characters of a last message's new text kept (a phone call needs the gist, not the mail). */
const LAST_TEXT_MAX = 500;

export interface LastMessage {
  at: string;
  direction: 'in' | 'out';
  /** "client", "staff" or "system". */
  authorKind: string;
  authorEmail: string | null;
  /** The staff member's name when staff wrote it. */
  authorName: string | null;
  /** New text only (no quoted history), trimmed. */
  text: string;
}

export type AccountTicket = TicketRow & { lastMessage: LastMessage | null };

export interface ClientAccount {
  scope: ClientScope;
  contacts: ContactRow[];
  open: AccountTicket[];
  recentlyClosed: AccountTicket[];
}

/**
 * What `ticketd client X` is about: an address (has an @), a configured organisation (by
 * name, any case), or else a mail domain.
 */
export function clientScope(config: Config, text: string): ClientScope {
  const q = text.trim().replace(/^<|>$/g, '');
  if (!q) throw new TicketdError('USAGE', 'name a client: an address, a domain or an organisation');
  if (q.includes('@') && !q.startsWith('@')) return { kind: 'address', address: q.toLowerCase() };
  const org = config.clients.organisations.find((o) => o.name.toLowerCase() === q.toLowerCase());
  if (org) return { kind: 'organisation', name: org.name, domains: org.domains.map((d) => d.toLowerCase()) };
  return { kind: 'domain', domain: q.replace(/^@/, '').toLowerCase() };
}

function describe(scope: ClientScope): string {
  return scope.kind === 'address' ? scope.address : scope.kind === 'domain' ? scope.domain : scope.name;
}

/** The account view on an open handle (the bench times this). NOT_FOUND when nothing is known. */
export function clientAccountIn(db: Db, config: Config, scope: ClientScope): ClientAccount {
  const staffByEmail = new Map(config.staff.map((s) => [s.email.toLowerCase(), s.name]));
  const withLast = (t: TicketRow): AccountTicket => {
    const m = lastMessageOf(db, t.id);
    const lastMessage: LastMessage | null = m && {
      at: m.createdAt,
      direction: m.direction,
      authorKind: m.authorKind,
      authorEmail: m.authorEmail,
      authorName: m.authorKind === 'staff' && m.authorEmail ? (staffByEmail.get(m.authorEmail.toLowerCase()) ?? null) : null,
      text: m.visibleText.trim().slice(0, LAST_TEXT_MAX).trim(),
    };
    return { ...t, lastMessage };
  };
  const open = openTicketsOf(db, scope).map(withLast);
  const recentlyClosed = closedTicketsOf(db, scope, RECENT_CLOSED).map(withLast);
  const contacts = contactsOf(db, scope);
  if (!open.length && !recentlyClosed.length && !contacts.length) {
    throw new TicketdError('NOT_FOUND', `no tickets or mail from ${describe(scope)}`);
  }
  return { scope, contacts, open, recentlyClosed };
}

/** `ticketd client ADDR|DOMAIN|ORG`: the account view for an inbound call. */
export function clientAccount(config: Config, text: string): ClientAccount {
  const scope = clientScope(config, text);
  return withReadDb(config, (db) => clientAccountIn(db, config, scope));
}
