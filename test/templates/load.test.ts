import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { brandOf, checkTemplates, loadTemplates } from '../../src/templates/load.js';
import { sampleData } from '../../src/templates/samples.js';
import { outboxConfig, shippedTemplates } from '../support/outbox-config.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the shipped templates with one file edited. */
function templatesWith(file: string, edit: (s: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tkd-tpl-'));
  dirs.push(dir);
  cpSync(shippedTemplates, dir, { recursive: true });
  const f = path.join(dir, file);
  writeFileSync(f, edit(readFileSync(f, 'utf8')));
  return dir;
}

describe('mail templates', () => {
  it('the shipped templates check clean and render every mail with its [KEY] subject tag', () => {
    const config = outboxConfig();
    expect(checkTemplates(config)).toEqual([]);
    const t = loadTemplates(config);
    const s = sampleData(brandOf(config));
    const ack = t.render('ack', s.ack);
    expect(ack.subject).toBe('[SEO-1043] Our listing vanished from Google');
    expect(ack.text).toContain('Hi Dana Whitfield,');
    expect(ack.text).toContain('within 2 business days');
    expect(ack.html).toContain('<strong>SEO-1043</strong>');
    expect(t.render('assigned', s.assigned).subject).toContain('[SEO-1043]');
    expect(t.render('closed', s.closed).subject).toContain('[SEO-1043]');
    const status = t.render('status', s.status);
    expect(status.text).toMatch(/SEO-1043: Our listing vanished from Google\n +in progress, opened 3 days ago/);
    expect(status.text).toContain('BIL-1050');
    expect(t.render('status', { ...s.status, count: 0, tickets: [] }).text).toContain('no open requests');
    expect(t.render('unknown_sender', s.unknown_sender).text).toContain('could not match your email address');
  });

  it('every text mail keeps the signature delimiter "-- " with its space; triage acks promise no turnaround', () => {
    const config = outboxConfig();
    const t = loadTemplates(config);
    const s = sampleData(brandOf(config));
    for (const kind of Object.keys(s) as (keyof typeof s)[]) {
      const text = t.render(kind, s[kind] as never).text;
      expect(text, kind).toMatch(/\n-- \n[^\n]+\n$/);
      expect(text, kind).not.toMatch(/[ \t]\n(?<!^-- \n)/m);
    }
    const triage = t.render('ack', { ...s.ack, clientName: null, turnaround: null });
    expect(triage.text).toMatch(/^Hello,\n/);
    expect(triage.text).not.toContain('usually done within');
    expect(triage.html).not.toContain('usually done within');
  });

  it('escapes HTML in the HTML part and leaves the text part as written', () => {
    const config = outboxConfig();
    const t = loadTemplates(config);
    const data = { ...sampleData(brandOf(config)).ack, subject: 'Fish & <script>alert(1)</script>' };
    const out = t.render('ack', data);
    expect(out.html).toContain('Fish &amp; &lt;script&gt;');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain('Fish & <script>alert(1)</script>');
    expect(out.subject).toBe('[SEO-1043] Fish & <script>alert(1)</script>');
  });

  it('a typo in a variable is reported with the file, the variable and the line', () => {
    const dir = templatesWith('ack.text.hbs', (s) => s.replace('{{turnaround}}', '{{turnaroud}}'));
    const problems = checkTemplates(outboxConfig({ templates_dir: dir }));
    expect(problems).toEqual([expect.stringMatching(/ack\.text\.hbs: unknown variable "turnaroud" \(line \d+\)$/)]);
    expect(() => loadTemplates(outboxConfig({ templates_dir: dir }))).toThrow(ConfigError);
  });

  it('finds typos that strict mode alone misses: helper arguments and fields inside #each', () => {
    const dir = templatesWith('status.html.hbs', (s) => s.replace('{{#if count}}', '{{#if cuont}}').replace('<strong>{{key}}', '<strong>{{kee}}'));
    const problems = checkTemplates(outboxConfig({ templates_dir: dir }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/status\.html\.hbs: unknown variable "cuont"/),
        expect.stringMatching(/status\.html\.hbs: unknown variable "tickets\.kee"/),
      ]),
    );
  });

  it('a partial may only use brand, and its problems name the partial file', () => {
    const dir = templatesWith('partials/footer.text.hbs', (s) => `${s}{{key}}\n`);
    expect(checkTemplates(outboxConfig({ templates_dir: dir }))).toEqual([
      expect.stringMatching(/partials\/footer\.text\.hbs: unknown variable "key"/),
    ]);
  });

  it('reports syntax errors, missing text parts and subjects without the tag', () => {
    const broken = templatesWith('closed.text.hbs', (s) => s.replace('{{key}}', '{{#if key}'));
    expect(checkTemplates(outboxConfig({ templates_dir: broken }))).toEqual([expect.stringMatching(/closed\.text\.hbs: Parse error on line/)]);

    const noTag = templatesWith('closed.subject.hbs', () => 'Done: {{subject}}');
    expect(checkTemplates(outboxConfig({ templates_dir: noTag }))).toEqual([expect.stringMatching(/closed\.subject\.hbs: subject must carry \[\{\{key\}\}\]/)]);

    const noText = templatesWith('ack.text.hbs', (s) => s);
    rmSync(path.join(noText, 'ack.text.hbs'));
    expect(checkTemplates(outboxConfig({ templates_dir: noText }))).toEqual([expect.stringMatching(/ack\.text\.hbs: cannot read/)]);
  });
});
