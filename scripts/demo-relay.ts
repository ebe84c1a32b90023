// The demo's mail server: an SMTP receiver on 127.0.0.1 that delivers every message it accepts
// into the private Dovecot over LMTP, one mailbox per recipient (Dovecot drops the domain and a
// +detail, so maria@casalopez-tapas.example lands in user "maria", support+t.…@ in "support").
// ticketd sends its mail here as it would to a real relay; the demo's clients and staff submit
// theirs here too. No TLS and no AUTH: it listens on loopback only and exists for the demo.
//
//   node dist/scripts/demo-relay.js start --lmtp-port N --log FILE
//       starts a detached relay on a free port, waits until it listens, prints RELAY_PORT=
//       and RELAY_PID= lines and returns (the relay keeps running: stop it by its pid)
//   node dist/scripts/demo-relay.js serve --lmtp-port N
//       the relay itself, in the foreground (what `start` runs)
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'lmtp-port': { type: 'string' }, log: { type: 'string' } },
});
const [mode] = positionals;
const lmtpPort = Number(values['lmtp-port']);
if (!(mode === 'start' || mode === 'serve') || !lmtpPort || (mode === 'start' && !values.log)) {
  process.stderr.write('usage: demo-relay start --lmtp-port N --log FILE | serve --lmtp-port N\n');
  process.exit(2);
}

/** Start the relay detached from this process, and wait for the port it listens on. */
function start(): void {
  const log = openSync(values.log!, 'a');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', '--lmtp-port', String(lmtpPort)], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
  });
  const failed = setTimeout(() => {
    process.stderr.write(`demo-relay did not start; see ${values.log}\n`);
    child.kill();
    process.exit(1);
  }, 30_000);
  child.once('exit', (code) => {
    process.stderr.write(`demo-relay exited (${code}) before it listened; see ${values.log}\n`);
    process.exit(1);
  });
  child.once('message', (m: { port: number }) => {
    clearTimeout(failed);
    child.removeAllListeners('exit');
    process.stdout.write(`RELAY_PORT=${m.port}\nRELAY_PID=${child.pid}\n`);
    child.disconnect();
    child.unref();
  });
}

function serve(): void {
  // LMTP answers per recipient; nodemailer's `lmtp` option speaks it (not in its type definitions).
  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: lmtpPort, lmtp: true, secure: false, ignoreTLS: true } as never);
  const server = new SMTPServer({
    name: 'demo-relay.localhost',
    banner: 'ticketd demo relay: delivers into the demo Dovecot',
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 60 * 1024 * 1024,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return done(Object.assign(new Error('message too big for the demo relay'), { responseCode: 552 }));
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        lmtp
          .sendMail({ envelope: { from, to }, raw: Buffer.concat(chunks) })
          .then((info: { rejected: unknown[] }) => {
            // Refuse the whole message if Dovecot refused a recipient: the sender retries it.
            if (info.rejected.length) done(Object.assign(new Error(`Dovecot refused ${info.rejected.join(', ')}`), { responseCode: 451 }));
            else {
              process.stdout.write(`${new Date().toISOString()} ${from} -> ${to.join(', ')}\n`);
              done();
            }
          })
          .catch((err: Error) => done(Object.assign(new Error(`delivery into Dovecot failed: ${err.message}`), { responseCode: 451 })));
      });
    },
  });
  server.on('error', (err) => process.stderr.write(`${err.message}\n`));
  server.listen(0, '127.0.0.1', () => {
    const port = (server.server.address() as { port: number }).port;
    process.stdout.write(`listening on 127.0.0.1:${port}, delivering to LMTP 127.0.0.1:${lmtpPort}\n`);
    if (process.send) {
      process.send({ port });
      process.disconnect();
    }
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
}

if (mode === 'start') start();
else serve();
