import Database from 'better-sqlite3';

// What the ingest pass left in the store, for the sanity lines (read-only, after the pass).

export interface StoreFacts {
  journal: number;
  outcomes: Record<string, number>;
  tickets: number;
  ticketsByType: Record<string, number>;
  attachmentsStored: number;
  outboxByKind: Record<string, number>;
}

export function storeFacts(file: string): StoreFacts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const groups = (sql: string): Record<string, number> =>
      Object.fromEntries(db.prepare<[], { k: string | null; n: number }>(sql).all().map((r) => [r.k ?? '(none)', r.n]));
    const one = (sql: string): number => (db.prepare<[], { n: number }>(sql).get()?.n ?? 0);
    return {
      journal: one('SELECT count(*) AS n FROM journal'),
      outcomes: groups('SELECT outcome AS k, count(*) AS n FROM journal GROUP BY outcome ORDER BY outcome'),
      tickets: one('SELECT count(*) AS n FROM tickets'),
      ticketsByType: groups('SELECT type_id AS k, count(*) AS n FROM tickets GROUP BY type_id ORDER BY type_id'),
      attachmentsStored: one('SELECT count(*) AS n FROM attachments WHERE sha256 IS NOT NULL'),
      outboxByKind: groups('SELECT kind AS k, count(*) AS n FROM outbox GROUP BY kind ORDER BY kind'),
    };
  } finally {
    db.close();
  }
}
