import { beforeEach, describe, expect, it } from 'vitest';
import { applyStaffMail } from '../../src/service/staff-mail.js';
import type { ServiceContext } from '../../src/service/ticket-core.js';
import { typedMessage } from '../../src/service/ticket-mail.js';
import * as svc from '../../src/service/tickets.js';
import { openDb } from '../../src/store/db.js';
import type { TicketChange } from '../../src/tickets/changes.js';
import { testConfig } from '../support/config.js';

// Applying a verified staff mail on an in-memory store: each command through the ticket
// service, then relay or note, and exactly one confirmation change.

const config = testConfig('/tmp');
let ctx: ServiceContext;
let changes: TicketChange[];
let ticketId: number;

beforeEach(() => {
  changes = [];
  ctx = { db: openDb(':memory:'), config, hooks: [(_db, c) => void changes.push(c)] };
  const r = svc.open(ctx, { kind: 'client', email: 'dana@bakery.example' }, 'email', {
    typeId: 'facebook', // assignee lindsey; client-opened: checked by management
    subject: 'Page locked',
    client: { email: 'dana@bakery.example', name: 'Dana' },
    message: typedMessage('Our page is locked.', 'Page locked', { email: 'dana@bakery.example', name: 'Dana' }),
  });
  if (!r.ok) throw new Error(r.sentence);
  ticketId = r.ticket.id;
  changes.length = 0;
});

type Attached = Parameters<typeof applyStaffMail>[1]['attachments'];
const mail = (staffId: string, visibleText: string, attachments: Attached = [], signature: string | null = null, copied: string[] = []) =>
  applyStaffMail(ctx, {
    ticketId,
    staffId,
    journalId: null,
    visibleText,
    signature,
    attachments,
    copied: [config.support_address, ...copied],
    message: { id: 0, journalId: null, messageId: 'm@agency.example', references: [], subject: 'Re: x', authorKind: 'staff', authorEmail: `${staffId}@agency.example`, authorName: null, visibleText },
  });
const kinds = () => changes.map((c) => c.kind);
const confirmation = () => changes.find((c): c is Extract<TicketChange, { kind: 'staff-mail-handled' }> => c.kind === 'staff-mail-handled')!;
const status = () => (ctx.db.prepare('SELECT status FROM tickets WHERE id = ?').get(ticketId) as { status: string }).status;

describe('applying staff mail', () => {
  it('relays plain text as a staff reply (new → open) with one confirmation', () => {
    mail('lindsey', 'Hi Dana, unlocked now.');
    expect(kinds()).toEqual(['status-changed', 'replied', 'staff-mail-handled']);
    expect(confirmation()).toMatchObject({ relayed: true, lines: [] });
    expect(status()).toBe('open');
  });

  it('sends the text and closes in one step when the closer may close', () => {
    mail('lee', '#tbc\n#close\n\nAll sorted, Dana.');
    expect(status()).toBe('closed');
    expect(kinds()).toContain('replied');
    expect(confirmation()).toMatchObject({ relayed: true, lines: [{ line: '#tbc', applied: true }, { line: '#close', applied: true }] });
  });

  it('neither sends nor closes when the close is refused, keeping the text as a note', () => {
    mail('lindsey', '#close\n\nAll sorted, Dana.');
    expect(status()).toBe('new');
    expect(kinds()).not.toContain('replied');
    expect(confirmation()).toMatchObject({ relayed: false, lines: [{ line: '#close', applied: false }] });
    expect(confirmation().text).toContain('internal note');
  });

  it('stops at a refused line: the lines after it are not tried, the ones before stay applied', () => {
    mail('lindsey', '#priority high\n#assign joe\n#type seo\nText.');
    expect(confirmation().lines.map((l) => [l.line, l.applied])).toEqual([
      ['#priority high', true],
      ['#assign joe', false],
      ['#type seo', false],
    ]);
    expect(confirmation().relayed).toBe(false);
  });

  it('relays the text without the agent\'s signature by default (relay.keep_signature false)', () => {
    mail('lindsey', 'Hi Dana, unlocked now.', [], '--\nLindsey Park\nSocial media team');
    const replied = changes.find((c): c is Extract<TicketChange, { kind: 'replied' }> => c.kind === 'replied')!;
    expect(replied.text).toBe('Hi Dana, unlocked now.');
  });

  it('relays the signature too with relay.keep_signature: true, and never a signature alone', () => {
    ctx = { ...ctx, config: { ...config, relay: { keep_signature: true } } };
    mail('lindsey', 'Hi Dana, unlocked now.', [], 'Sent from my iPhone');
    const replied = changes.find((c): c is Extract<TicketChange, { kind: 'replied' }> => c.kind === 'replied')!;
    expect(replied.text).toBe('Hi Dana, unlocked now.\n\nSent from my iPhone');
    changes.length = 0;
    mail('lindsey', '#priority high', [], 'Sent from my iPhone');
    expect(kinds()).not.toContain('replied');
  });

  it('keeps #internal text as a note and relays nothing', () => {
    mail('lindsey', '#internal\nCalled her, she is fine.');
    expect(kinds()).not.toContain('replied');
    expect(confirmation()).toMatchObject({ relayed: false, lines: [{ line: '#internal', applied: true }] });
  });

  it('never relays text that still holds quoted lines', () => {
    mail('lindsey', 'Fixed.\n\nOn Monday Support wrote:\n> Hi Lindsey, FB-1000 is yours now');
    expect(kinds()).not.toContain('replied');
    expect(confirmation().text).toContain('quoted lines');
  });

  it("never relays an Outlook-style quote without '>' (our notice's From:/Sent: block, e.g. in German)", () => {
    mail('lindsey', 'Von: Support <support@agency.example>\nGesendet: Montag, 3. November 2026 09:12\nBetreff: [FB-1000] Page locked\n\nReason: the client is rude');
    expect(kinds()).not.toContain('replied');
    expect(confirmation().text).toContain('quoted lines');
  });

  it('never relays an attached mail (our notice with its signed Reply-To) to the client', () => {
    const eml = { filename: 'notice.eml', contentType: 'message/rfc822', size: 10, sha256: 'a'.repeat(64), storedPath: 'attachments/aa/notice' };
    const pdf = { filename: 'fix.pdf', contentType: 'application/pdf', size: 10, sha256: 'b'.repeat(64), storedPath: 'attachments/bb/fix' };
    mail('lindsey', 'Unlocked, see the PDF.', [eml, pdf]);
    expect(kinds()).toContain('replied');
    const sent = ctx.db.prepare(`SELECT a.filename FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction = 'out'`).all();
    expect(sent).toEqual([{ filename: 'fix.pdf' }]);
  });

  it('keeps the text as a note when an attachment of it was too big to store: the client never gets half the answer', () => {
    const big = { filename: 'video.mov', contentType: 'video/quicktime', size: 40_000_000, sha256: null, storedPath: null, note: 'not stored' };
    mail('lindsey', '#priority high\n\nUnlocked, the video shows how.', [big]);
    expect(kinds()).not.toContain('replied');
    const c = confirmation();
    expect(c.relayed).toBe(false);
    expect(c.lines).toEqual([{ line: '#priority high', applied: true, sentence: expect.any(String) }]);
    expect(c.text).toContain('because video.mov is over limits.attachment_max_bytes');
    expect(c.text).toContain('kept on the ticket as an internal note');
  });

  it('refuses the relay when the attachments together are over limits.mail_attachments_max_bytes', () => {
    const part = (n: number) => ({ filename: `scan${n}.pdf`, contentType: 'application/pdf', size: 10 * 1024 * 1024, sha256: 'c'.repeat(64), storedPath: `attachments/cc/${n}` });
    mail('lindsey', 'The scans you asked for.', [part(1), part(2)]);
    expect(kinds()).not.toContain('replied');
    expect(confirmation().text).toContain('over limits.mail_attachments_max_bytes');
    expect(confirmation().text).toContain('kept on the ticket as an internal note');
  });

  it('with the client in Cc records the reply without sending it again, and warns of the exposed address', () => {
    mail('lindsey', 'Unlocked, you can post again.', [], null, ['Dana@Bakery.example', 'olivia@agency.example']);
    const replied = changes.find((c): c is Extract<TicketChange, { kind: 'replied' }> => c.kind === 'replied')!;
    expect(replied.direct).toBe(true);
    expect(status()).toBe('open');
    const c = confirmation();
    expect(c.relayed).toBe(false);
    expect(c.text).toContain('got it from you directly, so it was not sent again');
    expect(c.text).toContain('Warning: your mail also went to dana@bakery.example');
    const exposed = ctx.db.prepare(`SELECT data FROM events WHERE kind = 'reply_address_exposed'`).all() as { data: string }[];
    // Staff (olivia) and our own addresses are not outsiders.
    expect(exposed.map((e) => JSON.parse(e.data))).toEqual([{ to: ['dana@bakery.example'] }]);
  });

  it('refuses #client in a reply on a ticket: it opens new tickets only, so nothing is relayed', () => {
    mail('lindsey', '#client other@bakery.example\n\nHello other.');
    expect(kinds()).not.toContain('replied');
    expect(confirmation().lines).toEqual([{ line: '#client other@bakery.example', applied: false, sentence: expect.stringContaining('#client opens a new ticket') }]);
  });

  it('warns when anyone outside is copied, and still relays to the client who was not', () => {
    mail('lindsey', 'Unlocked, you can post again.', [], null, ['printer@vendor.example']);
    expect(changes.find((c) => c.kind === 'replied')).toMatchObject({ kind: 'replied' });
    expect((changes.find((c) => c.kind === 'replied') as { direct?: true }).direct).toBeUndefined();
    expect(confirmation().relayed).toBe(true);
    expect(confirmation().text).toContain('Warning: your mail also went to printer@vendor.example');
  });
});
