import type { Stage } from './types.js';

/** A stage with the one-line description `ticketd pipeline` prints beside its name. */
export interface DescribedStage extends Stage {
  readonly description: string;
}
