// Few error classes, each with a stable code and the underlying cause (STYLE.md 8).

export type ErrorCode = 'CONFIG' | 'PARSE' | 'STORE' | 'MAILBOX' | 'USAGE' | 'NOT_FOUND' | 'SMTP' | 'TEMPLATE';

export class TicketdError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TicketdError';
  }
}

/** Invalid configuration: every problem with its path; the CLI exits 2. */
export class ConfigError extends TicketdError {
  constructor(readonly problems: string[], options?: { cause?: unknown }) {
    super('CONFIG', `invalid configuration:\n  ${problems.join('\n  ')}`, options);
    this.name = 'ConfigError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
