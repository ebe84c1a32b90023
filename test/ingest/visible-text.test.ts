import { describe, expect, it } from 'vitest';
import { extractReply, hasQuotedHistory, visibleText } from '../../src/ingest/visible-text.js';

// Key behaviours of the new-text extraction; the fixture set (visible-text-fixtures.test.ts)
// measures it on whole mails from many clients.

const notice = '> Hello Anna,\n> Your request SEO-1043 has been received.';

describe('visibleText: text heuristics', () => {
  it.each([
    ['French attribution', `Merci !\n\nLe lun. 23 nov. 2026 à 09:14, Support <s@x.example> a écrit :\n${notice}`, 'Merci !'],
    ['German attribution', `Danke!\n\nAm 23.11.2026 um 09:14 schrieb Support <s@x.example>:\n${notice}`, 'Danke!'],
    ['Spanish attribution', `Gracias.\n\nEl 23 nov 2026, a las 9:14, Support <s@x.example> escribió:\n${notice}`, 'Gracias.'],
    ['Italian attribution', `Grazie.\n\nIl giorno 23 nov 2026 alle ore 09:14 Support <s@x.example> ha scritto:\n${notice}`, 'Grazie.'],
    ['Polish attribution', `Dzięki.\n\nW dniu 23.11.2026 o 09:14, Support <s@x.example> pisze:\n${notice}`, 'Dzięki.'],
    ['Russian attribution', `Спасибо.\n\n23.11.2026 9:14, Support пишет:\n${notice}`, 'Спасибо.'],
    ['Swedish attribution', `Tack.\n\nDen 23 nov. 2026 09:14 skrev Support <s@x.example>:\n${notice}`, 'Tack.'],
    ['Dutch attribution', `Bedankt.\n\nOp 23 nov. 2026 om 09:14 schreef Support <s@x.example>:\n${notice}`, 'Bedankt.'],
    ['Portuguese attribution', `Obrigado.\n\nEm 23/11/2026 09:14, Support <s@x.example> escreveu:\n${notice}`, 'Obrigado.'],
    ['date-first attribution', `Ok.\n\n23.11.2026, 09:14, "Support" <s@x.example>:\n${notice}`, 'Ok.'],
    ['attribution folded before the address', `Fine.\n\nOn Mon, 23 Nov 2026, 09:14 Support, <\ns@x.example> wrote:\n${notice}`, 'Fine.'],
    ['attribution folded before "wrote:"', `Fine.\n\nOn Mon, 23 Nov 2026 at 09:14, Support <s@x.example>\nwrote:\n\n${notice}`, 'Fine.'],
    ['Italian Outlook block', `Va bene.\n\nDa: Support <s@x.example>\nInviato: lunedì 23 novembre 2026 09:14\nA: Marco\nOggetto: Re: scheda\n\nGentile Marco,`, 'Va bene.'],
    ['Russian Outlook block', `Хорошо.\n\nОт: Support <s@x.example>\nОтправлено: 23 ноября 2026 г. 9:14\nКому: Ольга\nТема: Re: карточка\n\nЗдравствуйте`, 'Хорошо.'],
    ['GMX block, Sent first', `Ja.\n\nGesendet: Montag, 23. November 2026 um 09:14 Uhr\nVon: "Support" <s@x.example>\nAn: Jonas\nBetreff: Re: Eintrag\n\nHallo`, 'Ja.'],
    ['Yahoo attribution with the history unquoted', `Yes.\n\n    On Monday, November 23, 2026 at 09:14:03 AM GMT+1, Support <s@x.example> wrote:\n\nHello Anna,\nYour request has been received.`, 'Yes.'],
    ['Zoho dashed attribution', `Done.\n\n---- On Mon, 23 Nov 2026 09:14:03 +0100 Support <s@x.example> wrote ---\n\nHello Anna,`, 'Done.'],
    ['GMX separator', `Ja.\n\n--- Original Nachricht ---\nAbsender: Support\n\nHallo`, 'Ja.'],
    ['inline answers keep the new lines only', `On 23/11/2026 09:14, Support wrote:\n> Address?\n\n12 High Street.\n\n> Hours?\n\n9 to 5.`, '12 High Street.\n\n9 to 5.'],
  ])('%s', (_name, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });

  it.each([
    ['a line starting "From:" in a sentence', 'From: next Monday on, our address is 4 Mill Lane.\nPlease update the listing.'],
    ['"On Monday I wrote:"', 'On Monday I wrote: the invoice is wrong.\nAs I wrote on 12 March:\nit still is.'],
    ['labels of a meeting note', 'Date: Thursday\nTime: 10:00\nSubject: the dining room'],
    ['"Sent from" in a sentence', 'It was sent from the office.\nSent from the office at 5pm, it should arrive today'],
  ])('does not strip %s', (_name, text) => {
    expect(visibleText(text)).toBe(text);
  });

  it('keeps a forward whole, its marker and headers included', () => {
    const text = 'FYI\n\n---------- Forwarded message ---------\nFrom: Billing <b@host.example>\nDate: Sun, Nov 22, 2026\nSubject: Invoice\n\nYour invoice is due.';
    expect(visibleText(text)).toBe(text);
  });

  it('keeps an Outlook forward (FW: subject) whole, though its block looks like a quote', () => {
    const text = 'See below.\n\nFrom: Ben <ben@x.example>\nSent: Sunday, November 22, 2026 6:02 PM\nTo: Anna\nSubject: Hours\n\nYou were closed.';
    expect(visibleText(text, null, 'FW: Hours')).toBe(text);
    expect(visibleText(text, null, 'RE: FW: Hours')).toBe('See below.');
  });

  it('never strips to empty: all quote or all signature keeps the whole text', () => {
    expect(visibleText(notice)).toBe(notice);
    expect(visibleText('Sent from my iPhone')).toBe('Sent from my iPhone');
    expect(visibleText('👍\n\nOn Mon, 23 Nov 2026 at 09:14, S <s@x.example> wrote:\n> hi')).toBe('👍');
  });

  it('splits the signature off: after "-- ", and phone footers in several languages', () => {
    expect(extractReply('Thanks.\n\n-- \nAnna Berg\nBerg Dental')).toEqual({ visible: 'Thanks.', signature: '--\nAnna Berg\nBerg Dental' });
    for (const footer of ['Sent from my iPhone', 'Envoyé de mon iPhone', 'Von meinem iPhone gesendet', 'Enviado desde mi iPhone', 'Get Outlook for Android']) {
      expect(extractReply(`Ok.\n\n${footer}\n\n${notice}`)).toEqual({ visible: 'Ok.', signature: footer });
    }
    // A sign-off is what the person wrote.
    expect(extractReply('Ok.\n\nKind regards,\nAnna')).toEqual({ visible: 'Ok.\n\nKind regards,\nAnna', signature: null });
  });
});

describe('visibleText: the HTML part', () => {
  it('reads the quote markers of the HTML part before the text heuristics', () => {
    // The text part's attribution is in no language we know; Gmail's markup still says where the quote is.
    const text = 'Tänk på det.\n\nXyz 23 abc 2026 09:14 Support <s@x.example> qwerty:\n\nHello Anna';
    const html = '<div dir="ltr">Tänk på det.</div><div class="gmail_quote"><div class="gmail_attr">Xyz 23 abc 2026 09:14 Support &lt;s@x.example&gt; qwerty:</div><blockquote class="gmail_quote">Hello Anna</blockquote></div>';
    expect(visibleText(text, html)).toBe('Tänk på det.');
  });

  it.each([
    ['Outlook on the web', '<div>Yes.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> S</div><div>old</div>'],
    ['Outlook desktop border-top block', '<div class="WordSection1"><p class="MsoNormal">Yes.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> S<br><b>Sent:</b> Monday</p></div><p class="MsoNormal">old</p></div>'],
    ['Apple Mail cite', '<div>Yes.</div><blockquote type="cite"><div>On 23 Nov 2026, at 09:14, S &lt;s@x.example&gt; wrote:</div><div>old</div></blockquote>'],
    ['Thunderbird', '<p>Yes.</p><div class="moz-cite-prefix">On 23/11/2026 09:14, S wrote:<br></div><blockquote type="cite">old</blockquote>'],
    ['Yahoo', '<div>Yes.</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Monday, S wrote:</div><div>old</div></div>'],
    ['Proton', '<div>Yes.</div><div class="protonmail_quote">On Monday, S wrote:<blockquote class="protonmail_quote">old</blockquote></div>'],
    ['Zoho', '<div>Yes.</div><div class="zmail_extra"><div>---- On Mon S wrote ---</div><blockquote>old</blockquote></div>'],
    ['GMX', '<div>Yes.</div><div name="quote"><div><b>Gesendet:</b> Montag</div><div name="quoted-content">old</div></div>'],
    ['a plain blockquote after an attribution (Yandex)', '<div>Yes.</div><div>23.11.2026, 09:14, "S" &lt;s@x.example&gt;:</div><blockquote>old</blockquote>'],
  ])('%s', (_name, html) => {
    expect(visibleText('', html)).toBe('Yes.');
  });

  it('keeps what an HTML part without quote markers says, through the text part', () => {
    expect(visibleText('Hello\n\nplain', '<div>Hello</div><blockquote style="margin:0 0 0 40px">indented</blockquote>')).toBe('Hello\n\nplain');
  });
});

describe('visibleText: cost', () => {
  it('stays linear on hostile lines (300,000 spaces after markers, labels and attributions)', () => {
    const pad = ' '.repeat(300_000);
    const started = performance.now();
    for (const line of [`-----Original Message${pad}x`, `---------- Forwarded message${pad}x`, `From${pad}x`, `On 23 Nov 2026 x@y.example wrote${pad}x`, `> ${pad}x`, `--${pad}x`]) {
      expect(visibleText(`Please help\n${line}\nmore`)).toContain('Please help');
    }
    const html = `<div>Yes.</div>${'<div>'.repeat(5000)}x${'</div>'.repeat(5000)}<blockquote type="cite">${'<br>'.repeat(50_000)}old</blockquote>`;
    expect(visibleText('', html)).toContain('Yes.');
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('reads the text part when the HTML nests deeper than any mail client (190,000 unclosed <div> in 1 MB: 20 to 30 s of parsing)', () => {
    const html = `<div>Yes.</div>${'<div>'.repeat(190_000)}<blockquote type="cite">old</blockquote>`;
    const started = performance.now();
    expect(visibleText('Yes, from the text part.\n\n> old', html)).toBe('Yes, from the text part.');
    expect(performance.now() - started).toBeLessThan(3000);
    // Unclosed paragraphs and cells do not nest: a long table still has its markers read.
    const table = `<div>Yes.</div><table>${'<tr><td>cell'.repeat(5000)}</table><blockquote type="cite"><div>On Monday, S wrote:</div>old</blockquote>`;
    expect(visibleText('', table)).not.toContain('old');
  });
});

describe('hasQuotedHistory', () => {
  it('sees the quote forms the extractor knows, and not a plain answer', () => {
    expect(hasQuotedHistory(notice)).toBe(true);
    expect(hasQuotedHistory('Ok.\n\nVon: Support <s@x.example>\nGesendet: Montag\nAn: Jonas\nBetreff: x')).toBe(true);
    expect(hasQuotedHistory('Ok.\n\n-------- Message d\'origine --------\nold')).toBe(true);
    expect(hasQuotedHistory('Your page is fixed.\n\nFrom: next week on we open at 9.')).toBe(false);
  });
});
