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

/**
 * Invalid configuration: every problem with its path; the CLI exits 2. `whole`: the file as a
 * whole is the problem (unreadable, empty, not YAML), said in one sentence, the message.
 */
export class ConfigError extends TicketdError {
  readonly whole: boolean;
  constructor(readonly problems: string[], options?: { cause?: unknown; whole?: boolean }) {
    super('CONFIG', options?.whole ? problems.join(' ') : `invalid configuration:\n  ${problems.join('\n  ')}`, options);
    this.name = 'ConfigError';
    this.whole = options?.whole ?? false;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// A full or failing disk, or a database another process holds: nothing is wrong with the
// message, so the pass stops and a later one retries it (it stays unmarked on the server).
const STORAGE_ERRNOS = new Set(['ENOSPC', 'EIO', 'EDQUOT', 'EROFS']);
const STORAGE_SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY)(_|$)/;

/** The errno or SQLite code that makes err (or an error in its cause chain) a storage failure. */
export function storageCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (STORAGE_ERRNOS.has(code) || STORAGE_SQLITE.test(code))) return code;
  }
  return null;
}

export const isStorageError = (err: unknown): boolean => storageCode(err) !== null;
