import { describe, expect, it } from 'vitest';
import { newTextOfHtml } from '../../src/ingest/html-quote.js';

describe('newTextOfHtml', () => {
  it('reads no text from HTML without a quote marker (the text part is used instead)', () => {
    expect(newTextOfHtml('<div dir="ltr"><p>Our site is down since this morning.</p></div>')).toBeNull();
  });

  it('still finds markers written in capitals', () => {
    const html = '<P>Fixed it.</P><DIV ID="divRplyFwdMsg"><B>From:</B> Support</DIV><P>old text</P>';
    expect(newTextOfHtml(html)).toBe('Fixed it.');
  });

  it('still finds a blockquote with its attribution', () => {
    const html = '<div>Done, thanks.</div><div>On Mon, 2 Nov 2026 at 09:12, Dana &lt;dana@bakery.example&gt; wrote:</div><BLOCKQUOTE>old</BLOCKQUOTE>';
    expect(newTextOfHtml(html)).toBe('Done, thanks.');
  });
});
