import type { Brand, MailData, ScheduledLine } from './mail-data.js';

// What check-config renders every template against. Lists are non-empty so a typo inside
// an {{#each}} block is found too.

const line = (over: Partial<ScheduledLine>): ScheduledLine => ({
  key: 'SEO-1043',
  subject: 'Our listing vanished from Google',
  opened: '3 days ago',
  status: 'open',
  blue: true,
  assignee: 'Seth',
  worker: 'Seth',
  done: '5 hours ago',
  ...over,
});

export function sampleData(brand: Brand): MailData {
  return {
    daily_list: {
      brand,
      staffName: 'Lee',
      day: 'Friday 27 November 2026',
      mine: [line({}), line({ key: 'BIL-1050', subject: 'Invoice for March', blue: false, done: null })],
      toCheck: [line({ key: 'SEO-1040', status: 'tbc' })],
      triage: [line({ key: 'TRI-1051', assignee: null, worker: null, done: null })],
      counts: { mine: 2, blue: 1, toCheck: 1, triage: 1 },
    },
    tbc_reminder: { brand, staffName: 'Lee', day: 'Friday 27 November 2026', count: 1, tickets: [line({ status: 'tbc' })] },
    sweep: {
      brand,
      staffName: 'Mia',
      day: 'Friday 27 November 2026',
      count: 2,
      groups: [
        { checker: 'Lee', count: 1, tickets: [line({ status: 'tbc' })] },
        { checker: 'management', count: 1, tickets: [line({ key: 'REF-1044', status: 'tbc', worker: null })] },
      ],
    },
    ack: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      clientName: 'Dana Whitfield',
      typeLabel: 'SEO',
      turnaround: '2 business days',
    },
    assigned: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      assigneeName: 'Seth',
      clientName: 'Dana Whitfield',
      clientEmail: 'dana@example.com',
      organisation: 'Whitfield Bakery',
      typeLabel: 'SEO',
      priority: 'normal',
      summary: 'Since Monday our bakery no longer shows up when people search for us.',
      assignedBy: 'Lee',
      replyByMail: true,
      reason: 'Seth is out this week',
    },
    closed: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      clientName: 'Dana Whitfield',
    },
    status: {
      brand,
      clientName: 'Dana Whitfield',
      count: 2,
      tickets: [
        { key: 'SEO-1043', subject: 'Our listing vanished from Google', status: 'in progress', opened: '3 days ago' },
        { key: 'BIL-1050', subject: 'Invoice for March', status: 'new', opened: '2 hours ago' },
      ],
    },
    unknown_sender: { brand },
    sent_back: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      workerName: 'Seth',
      checkerName: 'Lee',
      reason: 'The opening hours on the listing are still last year\'s',
      typeLabel: 'SEO',
      replyByMail: true,
    },
    reply: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      clientName: 'Dana Whitfield',
      text: 'Your listing is back: Google had merged it with an old address. It can take a day to show everywhere.',
      staffName: 'Seth',
      greets: false,
      signsOff: false,
    },
    forward: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      assigneeName: 'Seth',
      clientName: 'Dana Whitfield',
      clientEmail: 'dana@example.com',
      text: 'It is still missing this morning. Should we recreate it?',
      reopened: true,
      attached: 1,
      omitted: [{ filename: 'screen-recording.mov', why: '31457280 bytes, over limits.attachment_max_bytes: not stored' }],
    },
    confirmation: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      staffName: 'Seth',
      lines: [
        { line: '#tbc', applied: true, sentence: 'SEO-1043 is tbc' },
        { line: '#assign lee', applied: false, sentence: 'only leads assign tickets; ask a lead' },
      ],
      text: 'Your text was sent to the client.',
    },
    reply_refused: {
      brand,
      staffName: 'Seth',
      reason: 'the reply address expired (issued 120 days ago, valid for 90)',
    },
  };
}
