import { describe, expect, it } from 'vitest';
import { checkAddressedToUs } from '../../../src/router/stages/check-addressed-to-us.js';
import { mailOf, runStage } from '../../support/router.js';

const verdict = async (headers: Record<string, string>) => runStage(checkAddressedToUs, await mailOf(headers));

describe('check-addressed-to-us (RFC 3834 §2)', () => {
  it.each([
    ['To', { To: 'support@brightpixel.example' }],
    ['To, a "+" form in another case', { To: 'Support <Support+SEO@BrightPixel.Example>' }],
    ['Cc', { To: 'someone@else.example', Cc: 'support@brightpixel.example' }],
    ['Delivered-To (Bcc)', { To: 'someone@else.example', 'Delivered-To': 'support@brightpixel.example' }],
    ['X-Original-To', { To: 'undisclosed-recipients:;', 'X-Original-To': 'support+billing@brightpixel.example' }],
  ])('lets mail naming the support address in %s be answered', async (_n, headers) => {
    expect(await verdict(headers)).toBeNull();
  });

  it.each([
    ['someone else', { To: 'victim@else.example' }],
    ['a look-alike address on another domain', { To: 'support@brightpixel.example.evil.example' }],
    ['a look-alike local part', { To: 'support-team@brightpixel.example' }],
  ])('withholds automatic answers from mail addressed to %s', async (_n, headers) => {
    const reason = 'not addressed to support@brightpixel.example (To, Cc, Delivered-To, X-Original-To)';
    expect(await verdict(headers)).toEqual({ patch: { noAutoAnswer: reason }, note: reason });
  });
});
