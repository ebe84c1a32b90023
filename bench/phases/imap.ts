import { ImapFlow } from 'imapflow';
import type { ImapTarget } from '../types.js';

export async function connect(t: ImapTarget): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: t.port,
    secure: false,
    auth: { user: t.user, pass: t.password },
    logger: false,
  });
  await client.connect();
  return client;
}
