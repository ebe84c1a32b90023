import type { Command } from 'commander';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';

export const configOption = ['-c, --config <file>', 'config file (default $TICKETD_CONFIG, then ./ticketd.yaml)'] as const;

/** Load the config or exit 2 listing every problem. */
export function configFrom(opts: { config?: string }): Config {
  try {
    return loadConfig(resolveConfigPath(opts.config));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function loggerFor(config: Config): Logger {
  return createLogger(process.env.TICKETD_LOG_LEVEL ?? config.log_level);
}

/** Wrap an action so an unexpected error prints one clear line and exits 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`ticketd: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  };
}

export type { Command };
