import type { Config } from '../config/schema.js';
import { drainOutbox, startOutboxLoop } from '../outbox/deliver.js';
import { createOutboxHook } from '../outbox/enqueue.js';
import { loadTemplates } from '../templates/load.js';
import type { DaemonPart } from './daemon-part.js';

/**
 * The outbox in the daemon: the hook that writes mail inside each message's transaction,
 * the delivery loop beside the mailbox loop, and one drain for `run --once`. Templates are
 * compiled here, at start-up, so a broken one stops the daemon before it reads any mail.
 */
export function outboxPart(config: Config): DaemonPart {
  const hook = createOutboxHook(config, loadTemplates(config));
  let wake = () => {};
  return {
    name: 'outbox',
    hooks: [hook],
    // New rows were just committed: deliver now rather than at the next idle tick.
    afterPass: () => wake(),
    async once(ctx) {
      // SIGTERM stops taking new mail; against a dead server a full drain could take hours.
      await drainOutbox(ctx.config, ctx.db, ctx.log, { shouldStop: () => ctx.signal.aborted });
    },
    async run(ctx) {
      const loop = startOutboxLoop(ctx.config, ctx.db, ctx.log);
      wake = loop.wake;
      const aborted = new Promise((resolve) => {
        if (ctx.signal.aborted) resolve(undefined);
        else ctx.signal.addEventListener('abort', resolve, { once: true });
      });
      // A loop that had to stop (accepted mail not marked sent) stops the daemon: exit 1.
      await Promise.race([aborted, loop.done]);
      await loop.stop();
    },
  };
}
