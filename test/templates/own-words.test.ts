import { describe, expect, it } from 'vitest';
import { endsWithSignOff, opensWithGreeting } from '../../src/templates/own-words.js';

describe('opensWithGreeting', () => {
  it.each([
    'Hi Maria,\n\nYour refund is on its way.',
    'Hello,\nDone.',
    'Dear Mr Lopez,\n\nThe invoice is corrected.',
    'Bonjour Madame,\n\nC\'est fait.',
    'Guten Morgen Frau Keller,\n\nErledigt.',
    'Hola Ana:\n\nListo.',
    'Cześć Kasia,\nZrobione.',
    'Здравствуйте, Ирина!\n\nГотово.',
    'Hej Sven,\n\nKlart.',
  ])('sees the agent\'s own greeting in %j', (text) => {
    expect(opensWithGreeting(text)).toBe(true);
  });

  it.each([
    'Your refund is on its way.',
    'Highlights of the change: the listing is back.',
    'Hi there is a problem with the second invoice that we are still looking into, and we will write again tomorrow.',
    '',
  ])('adds ours to %j', (text) => {
    expect(opensWithGreeting(text)).toBe(false);
  });
});

describe('endsWithSignOff', () => {
  it.each([
    ['Done.\n\nThanks,\nOlivia', 'Olivia Park'],
    ['Done.\n\nBest regards,\nOlivia Park\nBright Pixel', 'Olivia Park'],
    ['C\'est fait.\n\nCordialement,\nJoe', 'Joe Martin'],
    ['Erledigt.\n\nViele Grüße\nJoe', 'Joe Martin'],
    ['Done.\n\nOlivia', 'Olivia Park'],
    ['Fixed, try once more.\n\nJoe', 'IT Joe'],
    ['Done.\n\nPozdrawiam\nJoe', 'Joe Martin'],
  ])('sees the agent\'s own sign-off in %j', (text, name) => {
    expect(endsWithSignOff(text, name)).toBe(true);
  });

  it.each([
    ['Your listing is back. It can take a day to show everywhere.', 'Seth Ray'],
    ['The form works again.\n\nAsk for Joe if it breaks.', 'IT Joe'],
    ['We looked at the invoice and corrected the VAT line.\nYou will get the new one today.', 'Seth Ray'],
    ['Thanks to the new settings, the page loads in a second now, and the form sends again.\nNothing else changed.\nTell us if it breaks.', 'Seth Ray'],
  ])('adds ours to %j', (text, name) => {
    expect(endsWithSignOff(text, name)).toBe(false);
  });
});
