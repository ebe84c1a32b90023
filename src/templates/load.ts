import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Config } from '../config/schema.js';
import { ConfigError, errorMessage } from '../errors.js';
import { fileStem, mailKinds, type Brand, type MailData, type MailKind, type RenderedMail } from './mail-data.js';
import { sampleData } from './samples.js';
import { templatesDirOf } from './shipped.js';
import { findMissing } from './find-missing.js';

// The editable .hbs files in templates_dir: per kind a subject, a text part (required) and
// an HTML part (optional); partials/header and partials/footer per format for branding.
// Compiled strict, and checked against sample data, so a typo in a variable name is a config
// error naming the file and the variable, never a blank in a client's mail.

export interface Templates {
  render<K extends MailKind>(kind: K, data: MailData[K]): RenderedMail;
}

type Fn = Handlebars.TemplateDelegate;
type Format = 'subject' | 'text' | 'html';

interface Part {
  file: string;
  source: string;
  /** strict: a missing variable throws; what runs when mail is written. */
  run: Fn;
  /** lenient twin used by the check, so every missing variable is found, not just the first. */
  check: Fn;
}

interface Compiled {
  kinds: Record<MailKind, { subject: Part; text: Part; html: Part | null }>;
  partials: { format: 'text' | 'html'; name: string; part: Part }[];
}

const partialNames = ['header', 'footer'] as const;

export const brandOf = (config: Config): Brand => ({ name: config.public_name, address: config.support_address });

function compileDir(dir: string, problems: string[]): Compiled | null {
  // One environment per format: text and subjects unescaped, HTML escaped (the default).
  const envs = { subject: Handlebars.create(), text: Handlebars.create(), html: Handlebars.create() };
  const checkEnvs = { subject: checkEnv(), text: checkEnv(), html: checkEnv() };
  const compiled: Compiled = { kinds: {} as Compiled['kinds'], partials: [] };

  const load = (rel: string, format: Format, required: boolean): Part | null => {
    const file = path.join(dir, rel);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      if (required || (err as NodeJS.ErrnoException).code !== 'ENOENT')
        problems.push(`${file}: cannot read: ${errorMessage(err)}`);
      return null;
    }
    const env = envs[format];
    try {
      env.parse(source); // compile() is lazy; parse now so a syntax error names its file
    } catch (err) {
      problems.push(`${file}: ${errorMessage(err).split('\n')[0]} (${oneLine(errorMessage(err).split('\n').slice(1).join(' '))})`);
      return null;
    }
    const noEscape = format !== 'html';
    return {
      file,
      source,
      run: env.compile(source, { strict: true, noEscape }),
      check: checkEnvs[format].compile(source, { strict: false, noEscape }),
    };
  };

  for (const format of ['text', 'html'] as const) {
    for (const name of partialNames) {
      const part = load(path.join('partials', `${name}.${format}.hbs`), format, true);
      if (!part) continue;
      envs[format].registerPartial(name, part.run);
      checkEnvs[format].registerPartial(name, part.check);
      compiled.partials.push({ format, name, part });
    }
  }
  for (const kind of mailKinds) {
    const stem = fileStem(kind);
    const subject = load(`${stem}.subject.hbs`, 'subject', true);
    const text = load(`${stem}.text.hbs`, 'text', true);
    const html = load(`${stem}.html.hbs`, 'html', false);
    if (subject && text) compiled.kinds[kind] = { subject, text, html };
  }
  return problems.length ? null : compiled;
}

/**
 * An environment for checking: if/unless/each render every branch, so a typo in a branch the
 * sample data does not take is still found.
 */
function checkEnv(): typeof Handlebars {
  const env = Handlebars.create();
  const each = env.helpers.each as Handlebars.HelperDelegate;
  const both = function (this: unknown, _: unknown, options: Handlebars.HelperOptions) {
    return options.fn(this) + options.inverse(this);
  };
  env.registerHelper('if', both);
  env.registerHelper('unless', both);
  env.registerHelper('each', function (this: unknown, list: unknown, options: Handlebars.HelperOptions) {
    return `${each.call(this, list, options)}${options.inverse(this)}`;
  });
  return env;
}

/** Every problem with the templates in config.templates_dir, each naming its file. */
export const checkTemplates = (config: Config): string[] => inspect(config).problems;

function inspect(config: Config): { problems: string[]; compiled: Compiled | null } {
  const problems: string[] = [];
  const compiled = compileDir(templatesDirOf(config), problems);
  if (!compiled) return { problems, compiled };
  const brand = brandOf(config);
  const samples = sampleData(brand);
  const blank = Object.fromEntries(partialNames.map((n) => [n, () => '']));

  for (const { part } of compiled.partials) {
    // Partials are shared by every mail, so they may use only what every mail has: brand.
    problems.push(...findMissing(part.file, part.source, (d) => part.check(d), { brand }));
  }
  const partialsOk = problems.length === 0;
  for (const kind of mailKinds) {
    const k = compiled.kinds[kind];
    for (const part of [k.subject, k.text, k.html]) {
      if (!part) continue;
      const found = findMissing(part.file, part.source, (d) => part.check(d, { partials: blank }), samples[kind]);
      problems.push(...found);
      if (found.length || !partialsOk) continue;
      let out: string;
      try {
        out = part.run(samples[kind]);
      } catch (err) {
        problems.push(`${part.file}: ${errorMessage(err).split('\n')[0]}`);
        continue;
      }
      if (part === k.text && !out.trim()) problems.push(`${part.file}: renders empty; the text part is always sent`);
      if (part === k.subject && 'key' in samples[kind] && !out.includes(`[${(samples[kind] as { key: string }).key}]`))
        problems.push(`${part.file}: subject must carry [{{key}}] so replies find the ticket`);
    }
  }
  return { problems, compiled };
}

/** Compile and check the templates; throws ConfigError listing every problem. */
export function loadTemplates(config: Config): Templates {
  const { problems, compiled } = inspect(config);
  if (problems.length || !compiled) throw new ConfigError(problems);
  return {
    render(kind, data) {
      const k = compiled.kinds[kind];
      return {
        subject: oneLine(k.subject.run(data)),
        text: tidyText(k.text.run(data)),
        html: k.html ? k.html.run(data) : null,
      };
    },
  };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Blank lines left by block tags are squeezed; the mail ends with one newline. Trailing blanks
 * go, except the one of the signature delimiter "-- " (RFC 3676 4.3): mail programs find and
 * fold away the signature by it, and "--" alone is just a line.
 */
const tidyText = (s: string): string =>
  `${s
    .replace(/^(.*?)[ \t]+$/gm, (_, text: string) => (text === '--' ? '-- ' : text))
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
