import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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
  // The script makes the directory: a fresh one in /tmp, which Dovecot's unprivileged mail
  // processes can enter wherever the checkout is (root's home is 0700), with short socket paths.
  let v = parse(execFileSync('bash', [script, 'start'], { encoding: 'utf8' }));
  const dir = v.DIR!;
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
      v = parse(execFileSync('bash', [script, 'restart', dir], { encoding: 'utf8' }));
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

/**
 * A private Dovecot for this test file: started in beforeAll, stopped by PID in afterAll (also
 * when tests fail). The handle reads through to the running instance, so restart() shows.
 */
export function useDovecot(): RunningDovecot {
  let running: RunningDovecot | undefined;
  beforeAll(() => {
    running = startDovecot();
  });
  afterAll(() => {
    running?.stop();
    if (running) removeDovecotDir(running);
  });
  return new Proxy({} as RunningDovecot, {
    get(_target, key) {
      if (!running) throw new Error('Dovecot is not started yet: use it inside a test or a hook');
      return running[key as keyof RunningDovecot];
    },
  });
}
