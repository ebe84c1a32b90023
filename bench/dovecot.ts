import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The private Dovecot the bench reads and writes, started through the project's script.

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/dovecot.sh');

export interface BenchDovecot {
  dir: string;
  imapPort: number;
  pid: number;
  password: string;
}

/**
 * The script makes its directory (a fresh /tmp/tkd-XXXXXX, returned as `dir`): Dovecot's
 * unprivileged mail processes must be able to enter it wherever the checkout or $TMPDIR is.
 */
export function startDovecot(): BenchDovecot {
  const out = execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const v = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const imapPort = Number(v.IMAP_PORT);
  const pid = Number(v.PID);
  if (!imapPort || !pid || !v.PASSWORD || !v.DIR) throw new Error(`scripts/dovecot.sh start printed no dir/ports/pid:\n${out}`);
  return { dir: v.DIR, imapPort, pid, password: v.PASSWORD };
}

/** TERM to the master pid (its children follow), then wait for it to go. Safe to call twice. */
export function stopDovecot(d: BenchDovecot): void {
  try {
    process.kill(d.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      process.kill(d.pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  try {
    process.kill(d.pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
}
