import { senderOf } from '../mail-fields.js';
import type { DescribedStage } from '../stage.js';

// With clients.allow "known", only listed organisations and clients we already know open
// tickets; a stranger gets one polite answer (sent by the outbox) and nothing is opened.
// Replies on an existing ticket were threaded before this stage, so a colleague the client
// copied in still reaches the ticket.

export const refuseUnknownSender: DescribedStage = {
  name: 'refuse-unknown-sender',
  description: 'refuse unknown senders when clients.allow is "known"',
  run(mail, soFar, { config }) {
    const sender = senderOf(mail, soFar);
    if (config.clients.allow !== 'known' || sender.kind !== 'unknown') return null;
    return {
      plan: { action: 'refuse', reason: `unknown sender ${sender.email}: clients.allow is "known"`, sender },
      note: 'not a listed organisation nor a known client',
    };
  },
};
