import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/dovecot.sh');

export interface RunningDovecot {
  dir: string;
  imapPort: number;
  lmtpPort: number;
  pid: number;
  password: string;
  /** TERM to the master pid (its children follow); safe to call twice. */
  stop(): void;
  /** Start again after stop(): same ports, same mail. */
  restart(): void;
}

function parse(out: string): Record<string, string> {
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
}

/** Start a private Dovecot through the project's script; call stop() in afterAll. */
export function startDovecot(): RunningDovecot {
  // /tmp keeps socket paths short.
  const dir = mkdtempSync('/tmp/tkd-');
  const run = (cmd: 'start' | 'restart'): Record<string, string> =>
    parse(execFileSync('bash', [script, cmd, dir], { encoding: 'utf8' }));
  let v = run('start');
  const d: RunningDovecot = {
    dir,
    imapPort: Number(v.IMAP_PORT),
    lmtpPort: Number(v.LMTP_PORT),
    pid: Number(v.PID),
    password: v.PASSWORD!,
    stop() {
      try {
        process.kill(d.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      execFileSync('bash', [script, 'stop', dir]);
    },
    restart() {
      v = run('restart');
      d.imapPort = Number(v.IMAP_PORT);
      d.lmtpPort = Number(v.LMTP_PORT);
      d.pid = Number(v.PID);
    },
  };
  return d;
}

export function removeDovecotDir(d: RunningDovecot): void {
  rmSync(d.dir, { recursive: true, force: true });
}
