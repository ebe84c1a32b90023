// A long pass (a first start with `start_from: all` on years of mail) says how far it got at
// info level every few seconds, so an operator can tell progress from a hang.

export interface Progress {
  done: number;
  total: number;
  /** Messages decided per second since the pass started. */
  perSecond: number;
  /** Seconds left at that rate; null before anything was decided. */
  etaSeconds: number | null;
}

export const PROGRESS_EVERY_MS = 5_000;

/** A meter for one pass of `total` messages: `tick` returns a line to log at most every `everyMs`. */
export function passProgress(total: number, startMs: number, everyMs = PROGRESS_EVERY_MS) {
  let last = startMs;
  return {
    tick(done: number, nowMs: number): Progress | null {
      if (nowMs - last < everyMs || done >= total) return null;
      last = nowMs;
      const seconds = Math.max(nowMs - startMs, 1) / 1000;
      const perSecond = done / seconds;
      return {
        done,
        total,
        perSecond: Math.round(perSecond * 10) / 10,
        etaSeconds: perSecond > 0 ? Math.ceil((total - done) / perSecond) : null,
      };
    },
  };
}
