import type { Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';

// A real SMTP receiver on 127.0.0.1 inside the test process: collects what it accepts,
// answers what a test programs (550, 421, ...), and can go down and come back on its port.

export interface Received {
  envelopeFrom: string;
  to: string[];
  raw: string;
  messageId: string;
  inReplyTo: string;
  references: string[];
  subject: string;
  header(name: string): string;
  text: string;
  html: string;
}

/** An SMTP reply for one message; null accepts it. */
export type Responder = (mail: { to: string[]; raw: string }) => { code: number; message: string } | null;

export interface TestSmtp {
  port: number;
  received: Received[];
  /** What to answer after DATA; default accepts. */
  respond: Responder;
  /** Delay before answering DATA (keeps mails in flight for crash tests). */
  delayMs: number;
  /** Stop listening and cut open connections: clients get "connection refused". */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** AUTH attempts the server saw (only with `auth`), as user names. */
  auths: string[];
  /** Resolve once `n` messages were received (poll with deadline). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  stop(): Promise<void>;
}

const ids = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.replace(/^<|>$/g, '')).filter(Boolean);

export interface SmtpOptions {
  /** Offer AUTH (over plaintext: this receiver never has TLS) and accept these credentials. */
  auth?: { user: string; pass: string };
}

export async function startSmtp(opts: SmtpOptions = {}): Promise<TestSmtp> {
  let server: SMTPServer | null = null;
  const sockets = new Set<Socket>();
  const t: TestSmtp = {
    port: 0,
    received: [],
    auths: [],
    respond: () => null,
    delayMs: 0,
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      const closed = new Promise<void>((resolve) => s.server.close(() => resolve()));
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      await closed;
    },
    async up() {
      if (server) return;
      server = make();
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.server.once('error', reject);
        s.listen(t.port, '127.0.0.1', () => resolve());
      });
      t.port = (s.server.address() as { port: number }).port;
    },
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (t.received.length < n) {
        if (Date.now() > deadline) throw new Error(`SMTP: ${t.received.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return t.received;
    },
    async stop() {
      await t.down();
    },
  };

  function make(): SMTPServer {
    const s = new SMTPServer({
      disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        t.auths.push(auth.username ?? '');
        if (auth.username === opts.auth?.user && auth.password === opts.auth?.pass) return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
      logger: false,
      closeTimeout: 100,
      size: 50 * 1024 * 1024,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((a) => a.address);
          const answer = () => {
            const reply = t.respond({ to, raw });
            if (reply) return callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
            void simpleParser(raw).then((p) => {
              t.received.push({
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to,
                raw,
                messageId: ids(p.messageId)[0] ?? '',
                inReplyTo: ids(p.inReplyTo)[0] ?? '',
                references: ids(p.references),
                subject: p.subject ?? '',
                header: (name) => String(p.headers.get(name.toLowerCase()) ?? ''),
                text: p.text ?? '',
                html: typeof p.html === 'string' ? p.html : '',
              });
              callback();
            }, callback);
          };
          if (t.delayMs) setTimeout(answer, t.delayMs);
          else answer();
        });
      },
    });
    s.server.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    s.on('error', () => {}); // cut connections are expected in these tests
    return s;
  }

  await t.up();
  return t;
}

/**
 * The file's SMTP receiver: started before its tests, stopped after them even when one fails,
 * and emptied before each test (the useDovecot() of outgoing mail).
 */
export function useSmtp(opts: SmtpOptions = {}): TestSmtp {
  let running: TestSmtp | undefined;
  beforeAll(async () => {
    running = await startSmtp(opts);
  });
  afterAll(async () => {
    await running?.stop();
  });
  beforeEach(() => {
    if (running) running.received.length = 0;
  });
  return new Proxy({} as TestSmtp, {
    get(_target, key) {
      if (!running) throw new Error('the SMTP receiver is not started yet: use it inside a test or a hook');
      return running[key as keyof TestSmtp];
    },
    set(_target, key, value) {
      if (!running) throw new Error('the SMTP receiver is not started yet: use it inside a test or a hook');
      (running as unknown as Record<string | symbol, unknown>)[key] = value;
      return true;
    },
  });
}
