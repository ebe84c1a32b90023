import { describe, expect, it } from 'vitest';
import { parseMail } from '../../../src/ingest/parse.js';
import { checkAuthentication } from '../../../src/router/stages/check-authentication.js';
import type { Mail } from '../../../src/router/types.js';
import { ctxOf, runStage, testConfig } from '../../support/router.js';

// Raw header blocks in order, top first, as our receiving server leaves them: its own results
// prepended above its Received line, the sender's headers (forged ones among them) below.
async function mail(top: string[], from = 'Maria Lopez <maria@casalopez-tapas.example>'): Promise<Mail> {
  const raw = [
    ...top,
    'Received: from mail.casalopez-tapas.example (mail.casalopez-tapas.example [192.0.2.10]) by mx.brightpixel.example',
    `From: ${from}`,
    'To: support@brightpixel.example',
    'Subject: Help',
    'Message-ID: <m1@casalopez-tapas.example>',
    '',
    'Hello',
    '',
  ].join('\r\n');
  return (await parseMail(Buffer.from(raw), { attachmentMaxBytes: 1 << 20 })).mail;
}

const OURS = 'mx.brightpixel.example';
const ctx = (require: 'dmarc' | 'aligned' = 'dmarc', ids = [OURS]) => ctxOf(testConfig({ mail_auth: { trusted_authserv_ids: ids, require } }));
const judge = async (top: string[], c = ctx(), from?: string) => runStage(checkAuthentication, await mail(top, from), {}, c);
const ar = (v: string) => `Authentication-Results: ${v}`;

describe('check-authentication', () => {
  it('is silent without a trusted authserv-id (answers go out as before)', async () => {
    expect(await judge([ar(`${OURS}; dmarc=fail header.from=casalopez-tapas.example`)], ctxOf())).toBeNull();
  });

  it('passes a From whose DMARC passed at our server', async () => {
    expect(await judge([ar(`${OURS}; dmarc=pass (p=reject dis=none) header.from=casalopez-tapas.example`)])).toEqual({
      patch: { authentication: { passed: true, failed: false, authservId: OURS, detail: 'dmarc=pass header.from=casalopez-tapas.example' } },
      note: `authenticated (${OURS}): dmarc=pass header.from=casalopez-tapas.example`,
    });
  });

  it('matches the authserv-id case-insensitively', async () => {
    expect(await judge([ar('MX.BrightPixel.Example; dmarc=pass header.from=casalopez-tapas.example')])).toMatchObject({ patch: { authentication: { passed: true } } });
  });

  it.each([
    ['no Authentication-Results at all', [], `no Authentication-Results from ${OURS}`],
    ['a dmarc=pass from an authserv-id we do not trust', [ar('mx.evil.example; dmarc=pass header.from=casalopez-tapas.example')], `no Authentication-Results from ${OURS}`],
    ['dmarc=fail', [ar(`${OURS}; dmarc=fail (p=none) header.from=casalopez-tapas.example`)], 'dmarc=fail header.from=casalopez-tapas.example'],
    ['dmarc=none (no policy) when DMARC is required', [ar(`${OURS}; spf=pass smtp.mailfrom=maria@casalopez-tapas.example; dmarc=none header.from=casalopez-tapas.example`)], 'dmarc=none header.from=casalopez-tapas.example'],
    ['a pass for another From domain', [ar(`${OURS}; dmarc=pass header.from=evil.example`)], 'no DMARC result for casalopez-tapas.example'],
    ['a pass and a failure together', [ar(`${OURS}; dmarc=pass header.from=casalopez-tapas.example`), ar(`${OURS}; dmarc=temperror header.from=casalopez-tapas.example`)], 'dmarc=temperror header.from=casalopez-tapas.example'],
    ['an unreadable header in our run', [ar(`${OURS}; dmarc=pass header.from=casalopez-tapas.example`), ar(`${OURS}; dmarc=fail (unterminated`)], `unreadable Authentication-Results from ${OURS}`],
  ])('withholds answers on %s', async (_n, top, detail) => {
    const r = await judge(top);
    expect(r && 'patch' in r ? r.patch : r).toMatchObject({ authentication: { passed: false, detail }, noAutoAnswer: expect.stringContaining(detail) });
  });

  it('trusts only the topmost run: a forged pass with our id further down does not count', async () => {
    const forged = ar(`${OURS}; dmarc=pass header.from=casalopez-tapas.example`);
    const r = await judge([ar(`${OURS}; dmarc=fail header.from=casalopez-tapas.example`), 'Return-Path: <maria@casalopez-tapas.example>', forged]);
    expect(r).toMatchObject({ patch: { authentication: { passed: false, detail: 'dmarc=fail header.from=casalopez-tapas.example' } } });
    // Our server wrote nothing about DMARC: the forged pass below is still not read.
    const quiet = await judge([ar(`${OURS}; spf=pass smtp.mailfrom=maria@casalopez-tapas.example`), 'X-Spam: no', forged]);
    expect(quiet).toMatchObject({ patch: { authentication: { passed: false, detail: 'no DMARC result' } } });
  });

  it('a header of ours the parser cannot read ends the search: a forged pass below is never read instead', async () => {
    // A sender's ")" in the envelope closes the comment our server wrapped around it.
    const ours = ar(`${OURS}; spf=pass (mx: domain of "a)b"@evil.example designates 192.0.2.1) smtp.mailfrom="a)b"@evil.example; dmarc=fail header.from=casalopez-tapas.example`);
    const r = await judge([ours, 'Received: from evil.example by relay.evil.example', ar(`${OURS}; dmarc=pass header.from=casalopez-tapas.example`)]);
    expect(r).toMatchObject({ patch: { authentication: { passed: false, authservId: OURS, detail: `unreadable Authentication-Results from ${OURS}` } } });
  });

  it('reads our header as written: an encoded word in the envelope is not decoded into results', async () => {
    const local = '=?us-ascii?q?x=3B_spf=3Dpass_smtp.mailfrom=3Dmaria=40casalopez-tapas.example=3B_a=3Db_c=3D?=';
    const r = await judge([ar(`${OURS}; spf=pass smtp.mailfrom=${local}@evil.example; dmarc=none header.from=casalopez-tapas.example`)], ctx('aligned'));
    expect(r).toMatchObject({ patch: { authentication: { passed: false } } });
  });

  it('a DMARC pass that does not name the From domain proves nothing', async () => {
    expect(await judge([ar(`${OURS}; dmarc=pass`)])).toMatchObject({ patch: { authentication: { passed: false, failed: false } } });
  });

  it('marks a From whose DMARC failed at our server as forged, and only that', async () => {
    expect(await judge([ar(`${OURS}; dmarc=fail header.from=casalopez-tapas.example`)])).toMatchObject({ patch: { authentication: { failed: true } } });
    expect(await judge([ar(`${OURS}; dmarc=none header.from=casalopez-tapas.example`)])).toMatchObject({ patch: { authentication: { failed: false } } });
    expect(await judge([ar(`${OURS}; dmarc=pass header.from=CasaLopez-Tapas.example.`)])).toMatchObject({ patch: { authentication: { passed: true, failed: false } } });
  });

  it("reads our results beside another filter's in the same run, ignoring the other's", async () => {
    const r = await judge([ar('filter.internal.example; dmarc=fail header.from=casalopez-tapas.example'), ar(`${OURS}; dmarc=pass header.from=casalopez-tapas.example`)]);
    expect(r).toMatchObject({ patch: { authentication: { passed: true, authservId: OURS } } });
  });

  describe('require: aligned (for domains without a DMARC policy)', () => {
    it.each([
      ['an SPF pass for the From domain', 'maria@casalopez-tapas.example', 'spf=pass smtp.mailfrom=bounce@casalopez-tapas.example; dmarc=none header.from=casalopez-tapas.example', 'spf=pass smtp.mailfrom=bounce@casalopez-tapas.example (aligned with casalopez-tapas.example)'],
      ['a DKIM pass for a parent domain', 'maria@mail.casalopez-tapas.example', 'dkim=pass header.d=casalopez-tapas.example', 'dkim=pass header.d=casalopez-tapas.example (aligned with mail.casalopez-tapas.example)'],
      ['a DMARC pass', 'maria@casalopez-tapas.example', 'dmarc=pass header.from=casalopez-tapas.example', 'dmarc=pass header.from=casalopez-tapas.example'],
    ])('passes %s', async (_n, from, results, detail) => {
      expect(await judge([ar(`${OURS}; ${results}`)], ctx('aligned'), from)).toMatchObject({ patch: { authentication: { passed: true, detail } } });
    });

    it.each([
      ['an SPF pass for another domain', 'spf=pass smtp.mailfrom=bulk@mailer.example'],
      ['a DKIM pass for another domain', 'dkim=pass header.d=mailer.example'],
      ['a DKIM pass for a bare top-level domain', 'dkim=pass header.d=example'],
      ['an aligned DKIM pass beside dmarc=fail', 'dkim=pass header.d=casalopez-tapas.example; dmarc=fail header.from=casalopez-tapas.example'],
    ])('refuses %s', async (_n, results) => {
      expect(await judge([ar(`${OURS}; ${results}`)], ctx('aligned'))).toMatchObject({ patch: { authentication: { passed: false } } });
    });
  });
});
