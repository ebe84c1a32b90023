import { describe, expect, it } from 'vitest';
import { isOwnAddress, mailboxProblem, recipientKey } from '../../src/outbox/recipient.js';

describe('one outgoing recipient', () => {
  it.each([
    'dana@bakery.example',
    'Dana.Whitfield+orders@Bakery.Example',
    "o'brien@pub.example",
    'müller@bücher.example',
  ])('%s is one bare mailbox', (to) => {
    expect(mailboxProblem(to)).toBeNull();
  });

  it.each([
    ['a@x.example, b@x.example', 'lists 2 addresses'],
    ['a@x.example;b@x.example', 'lists 2 addresses'],
    ['a@x.example, "Eve, the boss" <e@x.example>, c@x.example', 'lists 3 addresses'],
    ['team: a@x.example, b@x.example;', 'is a group (2 addresses)'],
    ['undisclosed-recipients:;', 'is a group (0 addresses)'],
    ['"Bob" <bob@x.example>', 'contains spaces'],
    ['Bob<bob@x.example>', 'carries a display name'],
    ['<bob@x.example>', 'is not a bare address (brackets, comment or quotes)'],
    ['bob@x.example(boss)', 'is not a bare address (brackets, comment or quotes)'],
    ['"bob"@x.example', 'is not a bare address (brackets, comment or quotes)'],
    ['bob@x.example\r\nBcc: eve@y.example', 'contains a line break or control character'],
    ['bob@x.example\u001b[31m', 'contains a line break or control character'],
    ['bob @x.example', 'contains spaces'],
    ['bob@localhost', 'is not a valid address'],
    ['bob@@x.example', 'is not a valid address'],
    ['@x.example', 'is not a valid address'],
    ['bob@-x.example', 'has no valid domain name'],
    ['bob@[192.0.2.1]', 'has no valid domain name'],
    ['', 'is not a valid address'],
  ])('%j %s', (to, problem) => {
    expect(mailboxProblem(to)).toBe(problem);
  });

  it('rate limits count the address in lowercase without its +tag', () => {
    expect(recipientKey('Victim+1@X.Example')).toBe('victim@x.example');
    expect(recipientKey('victim+a+b@x.example')).toBe('victim@x.example');
    expect(recipientKey('victim@x.example')).toBe('victim@x.example');
    // A local part that is only a tag is kept whole rather than emptied.
    expect(recipientKey('+x@x.example')).toBe('+x@x.example');
  });

  it('our own support address in any + form and case is ours', () => {
    expect(isOwnAddress('support@agency.example', 'Support+SEO@Agency.example')).toBe(true);
    expect(isOwnAddress('support@agency.example', 'supporter@agency.example')).toBe(false);
  });
});
