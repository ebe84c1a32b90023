import { describe, expect, it } from 'vitest';
import { detectFeedbackReport } from '../../../src/router/stages/detect-feedback-report.js';
import { mailOf, runStage } from '../../support/router.js';

const report = [
  '--b',
  'Content-Type: text/plain',
  '',
  'This is an email abuse report for an email message received from IP 192.0.2.10.',
  '--b',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: abuse',
  'User-Agent: ExampleFBL/1.0',
  'Version: 1',
  '--b--',
  '',
].join('\n');

describe('detect-feedback-report', () => {
  const planOf = async (headers: Record<string, string>) => {
    const r = runStage(detectFeedbackReport, await mailOf({ 'MIME-Version': '1.0', ...headers }, report));
    return r && 'plan' in r ? r.plan : null;
  };

  it.each([
    'multipart/report; report-type=feedback-report; boundary="b"',
    'multipart/report; boundary="b"; report-type="feedback-report"',
    'MULTIPART/REPORT; REPORT-TYPE=Feedback-Report; BOUNDARY=b',
    'multipart/report;\r\n boundary=b;\r\n report-type=feedback-report',
  ])('ignores an ARF report: %s', async (ct) => {
    expect(await planOf({ 'Content-Type': ct })).toEqual({ action: 'ignore', reason: 'feedback report (ARF)' });
  });

  it('ignores an abuse report that wraps a feedback-report part in multipart/mixed', async () => {
    expect(await planOf({ 'Content-Type': 'multipart/mixed; boundary="b"', Subject: 'Abuse report' })).toEqual({ action: 'ignore', reason: 'abuse report with a feedback-report part' });
  });

  it('finds the part when the report is nested in multipart/mixed', async () => {
    const nested = ['--outer', 'Content-Type: text/plain', '', 'Complaint attached.', '--outer', 'Content-Type: multipart/report; report-type=feedback-report; boundary="b"', '', report, '--outer--', ''].join('\n');
    const r = runStage(detectFeedbackReport, await mailOf({ 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="outer"' }, nested));
    expect(r && 'plan' in r ? r.plan : null).toEqual({ action: 'ignore', reason: 'abuse report with a feedback-report part' });
  });

  it.each([
    [{ 'Content-Type': 'multipart/mixed; boundary="b"', Subject: 'Fwd: Abuse report about our newsletter' }],
    [{ Subject: 'We got a spam complaint (feedback report) from our ISP' }],
  ])('leaves %j alone', async (headers) => {
    expect(await planOf(headers)).toBeNull();
  });
});
