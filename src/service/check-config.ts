import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { checkTemplates } from '../templates/load.js';
import { plaintextWarnings } from '../tls-policy.js';

export interface ConfigSummary {
  file: string;
  mailbox: string;
  database: string;
  staff: number;
  requestTypes: string[];
  triageType: string;
  rules: number;
  smtp: string | null;
  /** Valid but risky settings, one sentence each (the config still loads; exit 0). */
  warnings: string[];
}

/** whole: the file itself is the problem (unreadable, empty, not YAML): problems holds one sentence. */
export type ConfigCheck = { ok: true; summary: ConfigSummary } | { ok: false; file: string; problems: string[]; whole?: boolean };

/**
 * Checks beyond the schema, each returning problems as `path: message`. The outbox work
 * adds the template check here (compile every template strict against sample data).
 */
const extraChecks: Array<(config: Config) => string[]> = [checkTemplates];

/** Settings that are valid but unsafe. */
function warningsFor(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.mail_auth.trusted_authserv_ids.length)
    warnings.push(
      'mail_auth.trusted_authserv_ids is empty: automatic answers (acknowledgements, status and unknown-sender answers) go to any From, so forged senders can use them as backscatter, and no staff From can be verified',
    );
  return warnings;
}

/** Load and validate a config file; every problem with its path, nothing started. */
export function checkConfig(file: string): ConfigCheck {
  let config: Config;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, file, problems: err.problems, ...(err.whole ? { whole: true } : {}) };
    throw err;
  }
  const problems = extraChecks.flatMap((check) => check(config));
  if (problems.length) return { ok: false, file, problems };
  const m = config.mailbox;
  return {
    ok: true,
    summary: {
      file,
      mailbox: `${m.user}@${m.host}:${m.port}/${m.folder}${m.processed_folder ? ` → ${m.processed_folder}` : ''}`,
      database: config.database,
      staff: config.staff.length,
      requestTypes: config.request_types.map((t) => `${t.id} (${t.prefix})`),
      triageType: config.triage_type,
      rules: config.rules.length,
      smtp: config.smtp ? `${config.smtp.host}:${config.smtp.port}` : null,
      warnings: [...plaintextWarnings(config), ...warningsFor(config)],
    },
  };
}
