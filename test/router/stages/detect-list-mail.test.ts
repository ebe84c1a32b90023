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
});
