import type { ImapFlow } from 'imapflow';

/** UID ranges "a:b" of at most `batch` UIDs covering the open mailbox. */
export function uidBatches(client: ImapFlow, batch: number): string[] {
  const mb = client.mailbox;
  if (!mb) throw new Error('no mailbox open');
  const last = mb.uidNext - 1;
  const out: string[] = [];
  for (let lo = 1; lo <= last; lo += batch) out.push(`${lo}:${Math.min(last, lo + batch - 1)}`);
  return out;
}
