import { describe, expect, it } from 'vitest';
import { detectListMail } from '../../../src/router/stages/detect-list-mail.js';
import { mailOf, runStage } from '../../support/router.js';

describe('detect-list-mail', () => {
  it.each([
    [{ 'List-Id': 'Restaurant News <news.restaurants.example>' }, 'list mail: List-Id Restaurant News <news.restaurants.example>'],
    [{ 'List-Unsubscribe': '<https://mailer.example/u/123>' }, 'list mail: List-Unsubscribe header'],
    [{ Precedence: 'list' }, 'list mail: precedence: list'],
    [{ 'X-Mailing-List': 'dentists@lists.example' }, 'list mail: X-Mailing-List header'],
  ])('ignores %j', async (headers, reason) => {
    const r = runStage(detectListMail, await mailOf(headers));
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason });
  });

  it('leaves a personal mail alone', async () => {
    expect(runStage(detectListMail, await mailOf({ Precedence: 'bulk' }))).toBeNull();
  });

  // support@brightpixel.example is itself a group: its List-Id names our address.
  it.each([
    [{ 'List-Id': '<support.brightpixel.example>', 'List-Unsubscribe': '<mailto:support+unsubscribe@brightpixel.example>', Precedence: 'list' }],
    [{ 'List-Id': '"Support" <Support.BrightPixel.example>', 'Mailing-list': 'list support@brightpixel.example' }],
  ])('treats mail through our own group as ordinary mail: %j', async (headers) => {
    expect(runStage(detectListMail, await mailOf(headers))).toBeNull();
  });

  it('still ignores a foreign list relayed through our group', async () => {
    const mail = await mailOf({ 'List-Id': '<news.restaurants.example>' });
    mail.headers['list-id'] = ['<support.brightpixel.example>', '<news.restaurants.example>'];
    const r = runStage(detectListMail, mail);
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason: 'list mail: List-Id <news.restaurants.example>' });
  });

  it('does not take a list whose id only contains our name for ours', async () => {
    const r = runStage(detectListMail, await mailOf({ 'List-Id': '<support.brightpixel.example.lists.vendor.example>' }));
    expect(r && 'plan' in r ? r.plan.action : null).toBe('ignore');
  });
});
