import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = 'ticketd.yaml';

/** -c flag, then $TICKETD_CONFIG, then ./ticketd.yaml. */
export function resolveConfigPath(flag?: string): string {
  return path.resolve(flag ?? process.env.TICKETD_CONFIG ?? DEFAULT_CONFIG_PATH);
}

/** Config paths of the passwords only `run` and `check-config` need (they connect). */
const SECRET_PATHS = new Set(['mailbox.password', 'smtp.password']);

export interface LoadOptions {
  /**
   * false: leave `${NAME}` in mailbox.password and smtp.password as written, so commands that
   * never connect (list, today, assign…) work without the secrets in their environment.
   * Everything else is still substituted and validated. Default true.
   */
  secrets?: boolean;
}

/**
 * Replace `${NAME}` in every string with the environment variable, so secrets stay out of
 * the file. A missing variable is a config problem reported with its path.
 */
function substituteEnv(value: unknown, at: string, env: NodeJS.ProcessEnv, problems: string[], secrets = true): unknown {
  if (typeof value === 'string') {
    if (!secrets && SECRET_PATHS.has(at)) return value;
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (ref: string, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${at || '(root)'}: environment variable ${name} is not set`);
        // Keep the reference so the schema does not add a second, confusing "too short".
        return ref;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, `${at}.${i}`, env, problems, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, at ? `${at}.${k}` : k, env, problems, secrets)]),
    );
  }
  return value;
}

/** Validate already-parsed config data; relative paths resolve against `baseDir`. */
export function parseConfig(data: unknown, baseDir: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const problems: string[] = [];
  const substituted = substituteEnv(data, '', env, problems, opts.secrets ?? true);
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.length ? issue.path.join('.') : '(root)';
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (problems.length || !result.success) throw new ConfigError(problems);
  const config = result.data;
  config.database = path.resolve(baseDir, config.database);
  config.data_dir = path.resolve(baseDir, config.data_dir);
  if (config.templates_dir) config.templates_dir = path.resolve(baseDir, config.templates_dir);
  return config;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read: ${errorMessage(err)}`], { cause: err, whole: true });
  }
  return parseConfig(settingsOf(file, text), path.dirname(file), env, opts);
}

const START = 'start from config/ticketd.example.yaml (README "Configuration")';

/**
 * The file's YAML mapping of settings. A file that is empty, not YAML or YAML of something
 * else (a list, a word, a binary file read as text) is one sentence: listing schema paths
 * for it ("(root): expected object") would only hide what is wrong.
 */
function settingsOf(file: string, text: string): Record<string, unknown> {
  // NUL or bytes that are not UTF-8 (read as U+FFFD): YAML would take them for a plain string.
  if (/[\u0000\uFFFD]/.test(text)) throw new ConfigError([`${file} is not a text file (binary data): ${START}`], { whole: true });
  const doc = parseDocument(text, { prettyErrors: true });
  const [first] = doc.errors;
  // prettyErrors: "MESSAGE at line L, column C:" then the lines around it; the first line says it.
  if (first) throw new ConfigError([`${file} is not valid YAML: ${first.message.split('\n')[0]!.replace(/:$/, '')}`], { whole: true });
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new ConfigError([`${file} is empty: ${START}`], { whole: true });
  if (typeof data !== 'object' || Array.isArray(data)) {
    const what = Array.isArray(data) ? 'a list' : typeof data === 'string' ? 'a line of text' : `a ${typeof data}`;
    throw new ConfigError([`${file} holds ${what}, not settings (key: value lines such as "database: ticketd.sqlite"): ${START}`], { whole: true });
  }
  return data as Record<string, unknown>;
}
