import { readdirSync, readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

// Test helpers around a private Dovecot user: put mail in, look at what is there, wait.

export interface ImapTarget {
  imapPort: number;
  password: string;
}

export async function withImap<T>(d: ImapTarget, user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: '127.0.0.1', port: d.imapPort, secure: false, auth: { user, pass: d.password }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

/**
 * APPEND each message (in order, so UIDs follow the array); creates the folder if needed.
 * `date` sets the server's arrival time (INTERNALDATE), as mail delivered back then has.
 */
export async function appendMail(
  d: ImapTarget,
  user: string,
  raws: (string | Buffer)[],
  opts: { folder?: string; flags?: string[]; date?: Date } = {},
): Promise<void> {
  const folder = opts.folder ?? 'INBOX';
  await withImap(d, user, async (c) => {
    if (folder !== 'INBOX' && !(await c.list()).some((f) => f.path === folder)) await c.mailboxCreate(folder);
    for (const raw of raws) await c.append(folder, typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n')) : raw, opts.flags ?? [], opts.date);
  });
}

export interface ServerMessage {
  uid: number;
  seen: boolean;
  subject: string;
}

export async function listFolder(d: ImapTarget, user: string, folder = 'INBOX'): Promise<ServerMessage[]> {
  return withImap(d, user, async (c) => {
    if (!(await c.list()).some((f) => f.path === folder)) return [];
    const lock = await c.getMailboxLock(folder);
    try {
      if (!c.mailbox || !c.mailbox.exists) return [];
      const rows = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true });
      return rows.map((r) => ({ uid: r.uid, seen: r.flags?.has('\\Seen') ?? false, subject: r.envelope?.subject ?? '' }));
    } finally {
      lock.release();
    }
  });
}

/** Poll a condition until it holds or the deadline passes (never a fixed sleep). */
export async function waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Stop a test Dovecot the way a crash or shutdown looks to clients: the master stops and the
 * IMAP session processes it leaves running for a while (they keep serving open connections)
 * are ended too, by their ids, so every client connection drops.
 */
export function stopDovecotHard(d: { dir: string; stop(): void }): void {
  d.stop();
  const tag = `ticketd-${d.dir.split('/').pop()}/`;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes(tag)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
