import type { Brand, MailData } from './mail-data.js';

// What check-config renders every template against. Lists are non-empty so a typo inside
// an {{#each}} block is found too.

export function sampleData(brand: Brand): MailData {
  return {
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
        { key: 'SEO-1043', subject: 'Our listing vanished from Google', status: 'in progress', age: '3 days' },
        { key: 'BIL-1050', subject: 'Invoice for March', status: 'new', age: '2 hours' },
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
    },
    reply: {
      brand,
      key: 'SEO-1043',
      subject: 'Our listing vanished from Google',
      clientName: 'Dana Whitfield',
      text: 'Your listing is back: Google had merged it with an old address. It can take a day to show everywhere.',
      staffName: 'Seth',
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
