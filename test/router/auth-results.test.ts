import { describe, expect, it } from 'vitest';
import { parseAuthResults } from '../../src/router/auth-results.js';

describe('parseAuthResults', () => {
  it('reads an OpenDMARC header: authserv-id, method, result, comment skipped, property', () => {
    expect(parseAuthResults('mx.agency.example; dmarc=pass (p=reject dis=none) header.from=bakery.example')).toEqual({
      authservId: 'mx.agency.example',
      results: [{ method: 'dmarc', result: 'pass', reason: null, props: { 'header.from': 'bakery.example' } }],
    });
  });

  it('reads several results folded on lines, with a reason, a version and base64 with "/", "+" and "="', () => {
    const h = parseAuthResults(
      'MX.Agency.example 1;\n dkim=pass header.d=bakery.example header.s=s1 header.b=Ab+/c9=;\n spf=pass (mx.agency.example: domain of a@bakery.example designates 192.0.2.7 as permitted sender) smtp.mailfrom=a@bakery.example;\n dmarc=pass reason="SPF and DKIM aligned" header.from=bakery.example (policy=reject)',
    );
    expect(h?.authservId).toBe('mx.agency.example');
    expect(h?.results).toEqual([
      { method: 'dkim', result: 'pass', reason: null, props: { 'header.d': 'bakery.example', 'header.s': 's1', 'header.b': 'Ab+/c9=' } },
      { method: 'spf', result: 'pass', reason: null, props: { 'smtp.mailfrom': 'a@bakery.example' } },
      { method: 'dmarc', result: 'pass', reason: 'SPF and DKIM aligned', props: { 'header.from': 'bakery.example' } },
    ]);
  });

  it('reads "none", a quoted authserv-id, a method version and a property without ptype', () => {
    expect(parseAuthResults('mx.agency.example; none')).toEqual({ authservId: 'mx.agency.example', results: [] });
    expect(parseAuthResults('"mx.agency.example" ; dkim/1 = fail header.i=@bakery.example; dmarc=fail action=none header.from=x.example')?.results).toEqual([
      { method: 'dkim', result: 'fail', reason: null, props: { 'header.i': '@bakery.example' } },
      { method: 'dmarc', result: 'fail', reason: null, props: { action: 'none', 'header.from': 'x.example' } },
    ]);
  });

  it('keeps sender text inside a quoted value or a comment: it never becomes a result', () => {
    const quoted = parseAuthResults('mx.agency.example; spf=fail smtp.mailfrom="x; dmarc=pass"@evil.example; dmarc=fail header.from=bank.example');
    expect(quoted?.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=fail', 'dmarc=fail']);
    expect(quoted?.results[0]?.props['smtp.mailfrom']).toBe('x; dmarc=pass@evil.example');
    const comment = parseAuthResults('mx.agency.example; dmarc=fail (from "x; dmarc=pass" (nested; dmarc=pass) \\) ; dmarc=pass) header.from=bank.example');
    expect(comment?.results).toEqual([{ method: 'dmarc', result: 'fail', reason: null, props: { 'header.from': 'bank.example' } }]);
  });

  it.each([
    ['a result without "="', 'mx.agency.example; dmarc'],
    ['an unterminated comment', 'mx.agency.example; dmarc=pass (p=reject header.from=x.example'],
    ['an unterminated quoted string', 'mx.agency.example; dmarc=pass reason="x header.from=x.example'],
    ['no authserv-id', '; dmarc=pass'],
    ['a property without a value name', 'mx.agency.example; dmarc=pass header.=x'],
  ])('refuses %s whole (null), so it can never count as a pass', (_n, value) => {
    expect(parseAuthResults(value)).toBeNull();
  });

  it('reads a long hostile value in linear time', () => {
    const start = performance.now();
    expect(parseAuthResults(`mx.agency.example; dmarc=pass ${'('.repeat(500_000)}`)).toBeNull();
    expect(parseAuthResults(`mx.agency.example${'; spf=none'.repeat(50_000)}`)?.results).toHaveLength(50_000);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
