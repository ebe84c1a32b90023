import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Each phase runs in a child process of its own, so its peak RSS (getrusage maxrss) is that
// phase's alone and one phase's garbage does not slow the next.

export interface PhaseOutcome<T> {
  value: T;
  /** Peak resident set size of the phase's process, in bytes. */
  maxRss: number;
  /** User + system CPU time of the phase's process (all its threads), in seconds. */
  cpuSeconds: number;
}

export type ChildMessage =
  | { ok: true; value: unknown; maxRssKb: number; cpuUs: number }
  | { ok: false; error: string }
  | { ready: true; port: number };

const phaseJs = fileURLToPath(new URL('./phase.js', import.meta.url));

/** Children still running, so Ctrl-C can stop them by pid. */
export const liveChildren = new Set<ChildProcess>();

export function spawnPhase(name: string, logFile: string, extraNodeArgs: string[] = []): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = fork(phaseJs, [name], {
    stdio: ['ignore', fd, fd, 'ipc'],
    execArgv: [...extraNodeArgs],
  });
  closeSync(fd);
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/** Run one phase to completion in a child process and return its value and peak RSS. */
export async function runPhase<T>(name: string, args: unknown, logFile: string, extraNodeArgs: string[] = []): Promise<PhaseOutcome<T>> {
  const child = spawnPhase(name, logFile, extraNodeArgs);
  try {
    const msg = await new Promise<ChildMessage>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ChildMessage));
      child.once('exit', (code, signal) => reject(new Error(`phase ${name} exited (${signal ?? code}) without a result`)));
      child.send({ args });
    });
    if ('ready' in msg) throw new Error(`phase ${name}: unexpected ready message`);
    if (!msg.ok) throw new Error(`phase ${name} failed: ${msg.error}`);
    return { value: msg.value as T, maxRss: msg.maxRssKb * 1024, cpuSeconds: msg.cpuUs / 1e6 };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}`);
  } finally {
    await stopChild(child);
  }
}

/** Wait briefly for a child to exit by itself (open handles may keep it), then TERM it by pid. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGTERM'), graceMs);
  await exited;
  clearTimeout(timer);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
