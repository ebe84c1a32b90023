import { describe, expect, it } from 'vitest';
import { checkSenderMailbox } from '../../../src/router/stages/check-sender-mailbox.js';
import { mailOf, runStage } from '../../support/router.js';

const verdict = async (headers: Record<string, string>, soFar = {}) => runStage(checkSenderMailbox, await mailOf(headers), soFar);

describe('check-sender-mailbox', () => {
  it.each([
    ['a plain From', { From: 'Maria Lopez <maria@casalopez-tapas.example>' }],
    ['a From with a one-address Reply-To', { 'Reply-To': 'Orders <orders@casalopez-tapas.example>' }],
    ['a UTF-8 local part and an IDN domain', { From: 'José <josé@exämple.example>' }],
  ])('lets %s be answered', async (_n, headers) => {
    expect(await verdict(headers)).toBeNull();
  });

  it.each([
    ['several addresses', { From: '"x" <a@victim.example>, b@victim.example, c@victim.example' }, 'From holds 3 addresses'],
    ['a group', { From: 'Everyone: a@victim.example, b@victim.example;' }, 'From uses a group'],
    ['an empty group', { From: 'Undisclosed recipients:;' }, 'From uses a group'],
    ['two "@"', { From: '<a@b@victim.example>' }, 'From address "a@b@victim.example" is not a valid mailbox'],
    ['a quoted local part', { From: '"a b"@victim.example' }, 'From address "\\"a b\\"@victim.example" is not a valid mailbox'],
    ['an address literal', { From: 'a@[192.0.2.1]' }, 'From address "a@[192.0.2.1]" is not a valid mailbox'],
    ['a one-label domain', { From: 'root@localhost' }, 'From address "root@localhost" is not a valid mailbox'],
    ['a name without address', { From: 'Maria Lopez' }, 'From address "" is not a valid mailbox'],
    ['a Reply-To of several addresses', { 'Reply-To': 'a@victim.example, b@victim.example' }, 'Reply-To holds 2 addresses'],
    ['a Reply-To group', { 'Reply-To': 'All: a@victim.example;' }, 'Reply-To uses a group'],
  ])('withholds automatic answers from %s', async (_n, headers, problem) => {
    const reason = `not exactly one sender mailbox: ${problem}`;
    expect(await verdict(headers)).toEqual({ patch: { noAutoAnswer: reason }, note: reason });
  });

  it('counts repeated From headers (a parser reads only the first)', async () => {
    const mail = await mailOf({});
    mail.headers['from'] = ['a@victim.example', 'b@victim.example'];
    expect(runStage(checkSenderMailbox, mail)).toMatchObject({ patch: { noAutoAnswer: 'not exactly one sender mailbox: 2 From headers' } });
  });

  it('adds its reason to one found before', async () => {
    expect(await verdict({ From: 'a@x.example, b@x.example' }, { noAutoAnswer: 'earlier' })).toMatchObject({
      patch: { noAutoAnswer: 'earlier; not exactly one sender mailbox: From holds 2 addresses' },
    });
  });

  it('leaves a mail without From to identify-sender', async () => {
    expect(await verdict({ From: '' })).toBeNull();
  });
});
