import type { Command } from 'commander';
import { loadConfig, resolveConfigPath, type LoadOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError, TicketdError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { cleanText, escapeForTerminal } from '../mail/clean-text.js';

export const configOption = ['-c, --config <file>', 'config file (default $TICKETD_CONFIG, then ./ticketd.yaml)'] as const;
export const jsonOption = ['--json', 'print JSON instead of text'] as const;

/**
 * Load the config or exit 2 listing every problem. Only commands that connect (run) pass
 * `secrets: true`; the rest leave the IMAP/SMTP password placeholders unresolved, so
 * `ticketd list` needs no password in its environment.
 */
export function configFrom(opts: { config?: string }, load: LoadOptions = { secrets: false }): Config {
  try {
    return loadConfig(resolveConfigPath(opts.config), process.env, load);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.whole ? cleanText(`ticketd: ${err.message}\n`) : `${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function loggerFor(config: Config): Logger {
  return createLogger(process.env.TICKETD_LOG_LEVEL ?? config.log_level);
}

// Stored names, subjects and bodies came from strangers, and rows stored before parse cleaned
// them may still hold ESC, BEL or bidi controls: every printer goes through these two.

/** Text for a terminal: of the control characters only line feeds and tabs are printed. */
export function print(text: string): void {
  process.stdout.write(cleanText(text));
}

/**
 * Text whose stored parts were already cleaned (every `table` cell goes through cleanLine)
 * and which may carry our own colour codes: written as it is, or `print` would strip them.
 */
export function printCleaned(text: string): void {
  process.stdout.write(text);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${escapeForTerminal(JSON.stringify(value, null, 2))}\n`);
}

/**
 * Wrap an action so an error prints one clear line: exit 2 for bad config or usage, 1 for
 * anything else. Set TICKETD_DEBUG=1 to see the stack and the cause.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      const bad = err instanceof ConfigError || (err instanceof TicketdError && err.code === 'USAGE');
      process.stderr.write(cleanText(`ticketd: ${err instanceof Error ? err.message : String(err)}\n`));
      if (process.env.TICKETD_DEBUG) console.error(err);
      process.exitCode = bad ? 2 : 1;
    }
  };
}

export type { Command };
