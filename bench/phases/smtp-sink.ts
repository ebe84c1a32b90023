import { SMTPServer } from 'smtp-server';

// The local SMTP receiver both senders deliver to: accepts every mail and discards it. It
// runs in a child of its own so its work does not share a process with the sender's.

export async function run(_args: Record<string, never>): Promise<{ received: number; bytes: number }> {
  let received = 0;
  let bytes = 0;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A receiver on loopback has nothing to learn from reverse DNS; it only adds latency.
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
  await new Promise<void>((resolve) => {
    process.on('message', (m: { stop?: boolean }) => {
      if (m.stop) resolve();
    });
    process.send!({ ready: true, port });
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { received, bytes };
}
