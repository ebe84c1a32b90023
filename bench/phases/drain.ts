export interface DrainArgs {
  configData: Record<string, unknown>;
  baseDir: string;
}

/** Not wired yet: the outbox's drainOutbox has not landed on the bench branch. */
export async function run(_args: DrainArgs): Promise<{ count: number; seconds: number }> {
  throw new Error('drainOutbox is not wired into the bench yet (branch outbox not merged)');
}
