import { describe, expect, it } from 'vitest';
import { plainFromHtml } from '../../src/ingest/mime-repair.js';

// plainFromHtml runs on HTML over 1 MB, so on hostile input. The adversarial cases below took
// minutes with the old backtracking regexes; here they must simply finish (vitest's 60 s
// timeout is the backstop, no timed assertion) and give the right text.

describe('plainFromHtml', () => {
  it('keeps the text readable: line-ending tags, entities, script/style/head and comments dropped', () => {
    const html =
      '<html><HEAD><title>t</title><style>p{color:red}</style></HEAD><body><!--[if mso]><xml>o:settings</xml><![endif]-->' +
      '<h1>Spring&nbsp;menu</h1><p>Fish &amp; chips &lt;3 &#233;t&#xE9;</p><SCRIPT type="x">alert("<p>no</p>")</SCRIPT>' +
      '<div>a < b<br/>c</div><ul><li>one</li><li>two</li></ul><header>kept</header></body></html>';
    expect(plainFromHtml(html)).toBe('Spring menu\nFish & chips <3 été\na < b\nc\none\ntwo\nkept');
  });

  it('keeps the content of a script or head that is never closed', () => {
    expect(plainFromHtml('<head><title>Hi</title><body><p>Hello</p>')).toBe('Hi\nHello');
    expect(plainFromHtml('<p>Hello</p><script>tail')).toBe('Hello\ntail');
  });

  it('"<br" repeated without ">" is text; with one ">" at the end it is one tag', () => {
    const brs = '<br'.repeat(700_000); // 2.1 MB
    expect(plainFromHtml(`x${brs}`)).toBe(`x${brs}`);
    expect(plainFromHtml(`x${brs}>y`)).toBe('x\ny');
  });

  it('unclosed "<script" repeated, with and without ">"', () => {
    const open = '<script'.repeat(300_000);
    expect(plainFromHtml(`<p>hello</p>${open}`)).toBe(`hello\n${open}`);
    const tags = '<script>x'.repeat(250_000);
    expect(plainFromHtml(`<p>hello</p>${tags}`)).toBe(`hello\n${'x'.repeat(250_000)}`);
    const comments = '<!--<style>'.repeat(200_000);
    expect(plainFromHtml(`a${comments}b`)).toBe('ab');
  });

  it('many "<" without ">" are text', () => {
    const lts = 'a<'.repeat(1_000_000);
    expect(plainFromHtml(lts)).toBe(lts);
    const tagLike = '<a'.repeat(1_000_000);
    expect(plainFromHtml(`z${tagLike}`)).toBe(`z${tagLike}`);
  });

  it('long runs of blanks and blank lines collapse', () => {
    const blanks = ' \n\t\u00a0'.repeat(500_000);
    expect(plainFromHtml(`a${blanks}b&${'a'.repeat(500_000)}`)).toBe(`a\n\nb&${'a'.repeat(500_000)}`);
  });
});
