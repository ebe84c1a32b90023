// Messages the daemon does not try (again), each journaled `failed` with its reason, marked on
// the server and kept under data_dir for `ticketd reprocess`: one that took the process down
// CRASH_LIMIT times, and one over limits.max_message_bytes (never held whole in memory).

/** Tries of a message that each ended with the process dying before it is given up. */
export const CRASH_LIMIT = 3;

export const CRASHED_REASON = `crashed the daemon ${CRASH_LIMIT} times`;

export const oversizeReason = (size: number, max: number): string =>
  `message of ${size} bytes is over limits.max_message_bytes (${max}): stored, not parsed`;
