import { nowIso, type Db } from './db.js';

// Clients we have heard from; the first sighting is kept, a later name or organisation fills gaps.

export interface ClientRow {
  email: string;
  name: string | null;
  organisation: string | null;
  firstSeen: string;
}

export function clientStore(db: Db) {
  const upsert = db.prepare<[string, string | null, string | null, string]>(
    `INSERT INTO clients (email, name, organisation, first_seen) VALUES (?, ?, ?, ?)
     ON CONFLICT(email) DO UPDATE SET name = COALESCE(clients.name, excluded.name),
       organisation = COALESCE(clients.organisation, excluded.organisation)`,
  );
  const get = db.prepare<[string], ClientRow>(
    `SELECT email, name, organisation, first_seen AS firstSeen FROM clients WHERE email = ?`,
  );
  return {
    seen(email: string, name: string | null, organisation: string | null, at: string = nowIso()): void {
      upsert.run(email.toLowerCase(), name || null, organisation || null, at);
    },
    get: (email: string): ClientRow | null => get.get(email.toLowerCase()) ?? null,
  };
}

export type ClientStore = ReturnType<typeof clientStore>;
