import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The one root logger; components take `log.child({ component })`. Secrets are redacted
 * wherever a config object is logged. Logs go to stderr so `--json` output stays clean.
 */
export function createLogger(level: string = process.env.TICKETD_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['password', '*.password', '*.*.password', 'pass', '*.pass', 'auth.pass', '*.auth.pass', 'reply_addresses.keys[*].secret', '*.reply_addresses.keys[*].secret'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
