import { describe, expect, it } from 'vitest';
import { failureText, isPermanent } from '../../src/outbox/is-permanent.js';

const smtp = (responseCode: number, code = 'EMESSAGE') =>
  Object.assign(new Error(`${responseCode} reply`), { responseCode, code, response: `${responseCode} 5.1.1 reply` });
const net = (code: string) => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code });

describe('isPermanent', () => {
  it.each([
    ['550 mailbox unknown', true, smtp(550, 'EENVELOPE')],
    ['554 transaction failed', true, smtp(554)],
    ['552 too big', true, smtp(552)],
    ['503 bad sequence', false, smtp(503)],
    ['421 service not available', false, smtp(421)],
    ['450 mailbox busy', false, smtp(450, 'EENVELOPE')],
    ['451 local error', false, smtp(451)],
    ['535 auth failed (config, not the mail)', false, smtp(535, 'EAUTH')],
    ['502 to STARTTLS (no TLS: the server or config, not the mail)', false, smtp(502, 'ETLS')],
    ['connection refused', false, net('ECONNECTION')],
    ['timeout', false, net('ETIMEDOUT')],
    ['socket reset', false, net('ESOCKET')],
    ['DNS', false, net('EDNS')],
    ['invalid address (no server reply)', true, net('EENVELOPE')],
    ['anything else', false, new Error('odd')],
    ['not even an Error', false, 'string'],
  ])('%s → permanent: %s', (_, expected, err) => {
    expect(isPermanent(err)).toBe(expected);
  });

  it("keeps the server's reply as the reason", () => {
    expect(failureText(smtp(550))).toBe('550 5.1.1 reply');
    expect(failureText(net('ECONNECTION'))).toBe('ECONNECTION: connect ECONNREFUSED 127.0.0.1:25');
  });
});
