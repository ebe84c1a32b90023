import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { clientAccount } from '../../src/service/client-account.js';
import { findTickets } from '../../src/service/find-tickets.js';
import { today } from '../../src/service/today.js';
import { openDb, type Db } from '../../src/store/db.js';
import { createRng, type Rng } from '../prng.js';

// The read commands on a big store: 100,000 tickets written straight into SQLite (no mail,
// no pipeline), then `list`, `today` and `client` through the service functions the CLI
// calls, each opening the store read-only as the CLI does. Target: each under 100 ms.
// The query plans printed are of the same shapes as the store's queries (src/store/read-*.ts).

export interface ReadsArgs {
  configData: Record<string, unknown>;
  baseDir: string;
  tickets: number;
  seed: number;
  runs: number;
}

export interface ReadTiming {
  name: string;
  rows: number;
  /** Milliseconds of each run, in order. */
  ms: number[];
  medianMs: number;
}

export interface ReadsResult {
  tickets: number;
  messages: number;
  openTickets: number;
  generateSeconds: number;
  timings: ReadTiming[];
  /** EXPLAIN QUERY PLAN of each read query, to see which index it uses. */
  plans: Record<string, string[]>;
}

const DAY = 86_400_000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(args: ReadsArgs): Promise<ReadsResult> {
  const config = parseConfig(args.configData, args.baseDir, {});
  const t0 = performance.now();
  const facts = generate(config, args.tickets, createRng(args.seed));
  const generateSeconds = (performance.now() - t0) / 1000;

  const agent = config.staff.find((s) => s.role === 'agent')!;
  const lead = config.staff.find((s) => s.role === 'lead')!;
  const org = config.clients.organisations[0]!;
  const cases: [string, () => number][] = [
    ['list (open tickets, oldest first)', () => findTickets(config, {}).length],
    [`list --mine (${agent.id})`, () => findTickets(config, { assignee: agent.id }).length],
    [`today (agent ${agent.id})`, () => count(today(config, { id: agent.id, role: agent.role }))],
    [`today (lead ${lead.id}, with triage)`, () => count(today(config, { id: lead.id, role: lead.role }))],
    [`client ${facts.busiestClient}`, () => accountRows(clientAccount(config, facts.busiestClient))],
    [`client ${facts.busiestDomain} (domain)`, () => accountRows(clientAccount(config, facts.busiestDomain))],
    [`client "${org.name}" (organisation)`, () => accountRows(clientAccount(config, org.name))],
  ];
  const timings: ReadTiming[] = [];
  for (const [name, fn] of cases) {
    fn(); // warm the page cache and the statement compiler: the CLI's cold start is not the query
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < args.runs; i++) {
      const s = performance.now();
      rows = fn();
      ms.push(performance.now() - s);
    }
    timings.push({ name, rows, ms, medianMs: median(ms) });
  }
  return { tickets: args.tickets, messages: facts.messages, openTickets: facts.open, generateSeconds, timings, plans: plans(config, agent.id, facts) };
}

const count = (d: { mine: unknown[]; toCheck: unknown[]; triage: unknown[] | null }): number => d.mine.length + d.toCheck.length + (d.triage?.length ?? 0);
const accountRows = (a: { open: unknown[]; recentlyClosed: unknown[]; contacts: unknown[] }): number => a.open.length + a.recentlyClosed.length + a.contacts.length;

interface Facts {
  messages: number;
  open: number;
  busiestClient: string;
  busiestDomain: string;
}

/**
 * Two years of tickets, oldest first: old ones nearly all closed, the last 60 days a working
 * mix; 20,000 clients on 4,000 domains (a few clients write often), some at the configured
 * organisations; 1-4 messages each; rework on a few percent.
 */
export function generate(config: Config, n: number, rng: Rng): Facts {
  const db = openDb(config.database);
  db.pragma('synchronous = OFF'); // a throwaway store: generation speed, not durability
  const agents = config.staff.filter((s) => s.role === 'agent').map((s) => s.id);
  const staff = config.staff.map((s) => s.id);
  const types = config.request_types;
  const orgDomains = config.clients.organisations.flatMap((o) => o.domains.map((d) => [d, o.name] as const));
  const domains = Array.from({ length: 4000 }, (_, i) => `client${i}.example`);
  const clients = Array.from({ length: 20_000 }, (_, i) => {
    const org = i % 20 === 0 ? orgDomains[i % orgDomains.length] : undefined;
    return { email: `person${i}@${org ? org[0] : domains[i % domains.length]}`, org: org?.[1] ?? null };
  });
  // Skewed: a tenth of the clients write half the tickets.
  const pickClient = () => (rng.chance(0.5) ? clients[rng.int(0, 1999)]! : clients[rng.int(0, clients.length - 1)]!);
  const now = Date.now();
  const start = now - 730 * DAY;
  const tally = new Map<string, number>();
  let messages = 0;
  let open = 0;
  const insTicket = db.prepare(
    `INSERT INTO tickets (id, key, number, type_id, subject, status, priority, assignee, opener_kind, opener_email, checker,
       client_email, organisation, client_wrote, created_at, updated_at, closed_at, worker)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMessage = db.prepare(
    `INSERT INTO messages (ticket_id, direction, author_kind, author_email, subject, body_text, visible_text, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insClient = db.prepare(`INSERT OR IGNORE INTO clients (email, name, organisation, first_seen) VALUES (?, ?, ?, ?)`);
  const insRework = db.prepare(
    `INSERT INTO rework (ticket_id, type_id, worker, checker, sent_back_at, reason, back_to_tbc_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const body = 'Hello, could you please change the opening hours on the website and the Facebook page? Thanks a lot. ';
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const created = start + Math.floor(((now - start) * i) / n);
      const at = new Date(created).toISOString();
      const recent = now - created < 60 * DAY;
      const status = recent
        ? rng.weighted([['new', 15], ['open', 40], ['tbc', 15], ['closed', 30]] as const)
        : rng.chance(0.99) ? 'closed' : rng.pick(['open', 'tbc'] as const);
      if (status !== 'closed') open++;
      const type = rng.pick(types);
      const client = pickClient();
      tally.set(client.email, (tally.get(client.email) ?? 0) + 1);
      const byStaff = rng.chance(0.15) ? rng.pick(staff) : null;
      const assignee = status !== 'closed' && rng.chance(0.08) ? null : rng.pick(agents);
      const id = i + 1;
      insTicket.run(
        id, `${type.prefix}-${1000 + i}`, 1000 + i, type.id, `Request ${i} about ${type.label}`, status,
        rng.weighted([['normal', 80], ['high', 12], ['low', 6], ['urgent', 2]] as const), assignee,
        byStaff ? 'staff' : 'client', byStaff ? `${byStaff}@example.com` : client.email, byStaff ?? 'management',
        client.email, client.org, rng.chance(0.2) ? 1 : 0, at, at,
        status === 'closed' ? new Date(created + rng.int(1, 5) * DAY).toISOString() : null,
        status === 'tbc' || status === 'closed' ? assignee : null,
      );
      insClient.run(client.email, `Person ${i}`, client.org, at);
      const k = rng.int(1, 4);
      for (let m = 0; m < k; m++) {
        const out = m % 2 === 1;
        const mAt = new Date(created + m * 3_600_000).toISOString();
        insMessage.run(id, out ? 'out' : 'in', out ? 'staff' : 'client', out ? `${assignee ?? 'priya'}@example.com` : client.email, null, body, body.slice(0, 80 + m), mAt);
        messages++;
      }
      if (rng.chance(0.03) && assignee) insRework.run(id, type.id, assignee, 'management', at, 'not as asked', rng.chance(0.7) ? at : null);
    }
    db.prepare(`INSERT OR REPLACE INTO counters (name, value) VALUES ('ticket_number', ?)`).run(1000 + n);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const busiestClient = [...tally.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { messages, open, busiestClient, busiestDomain: busiestClient.split('@')[1]! };
}

function plans(config: Config, agent: string, facts: Facts): Record<string, string[]> {
  const db: Db = openDb(config.database);
  try {
    const plan = (sql: string, ...params: unknown[]): string[] =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    const org = config.clients.organisations[0]!;
    return {
      list: plan(`SELECT id FROM tickets WHERE status IN ('new', 'open', 'tbc') ORDER BY created_at, id`),
      mine: plan(`SELECT id FROM tickets WHERE assignee = ? AND status IN ('new', 'open') ORDER BY created_at, id`, agent),
      toCheck: plan(`SELECT id FROM tickets WHERE status = 'tbc' AND (checker = ? OR (? AND checker = 'management')) ORDER BY created_at, id`, agent, 1),
      triage: plan(`SELECT id FROM tickets WHERE assignee IS NULL AND status IN ('new', 'open', 'tbc') ORDER BY created_at, id`),
      clientAddress: plan(`SELECT id FROM tickets WHERE client_email = ? AND status IN ('new', 'open', 'tbc') ORDER BY created_at, id`, facts.busiestClient),
      clientDomain: plan(`SELECT id FROM tickets WHERE substr(client_email, instr(client_email, '@') + 1) = ? AND status IN ('new', 'open', 'tbc')`, facts.busiestDomain),
      clientOrganisation: plan(
        `SELECT id FROM tickets WHERE ((organisation = ? AND status IN ('new', 'open', 'tbc')) OR (substr(client_email, instr(client_email, '@') + 1) IN (?) AND status IN ('new', 'open', 'tbc')))`,
        org.name, org.domains[0],
      ),
      closedOrganisation: plan(
        `SELECT id FROM tickets WHERE ((organisation = ? AND +status = 'closed') OR (substr(client_email, instr(client_email, '@') + 1) IN (?) AND +status = 'closed')) ORDER BY closed_at DESC, id DESC LIMIT 10`,
        org.name, org.domains[0],
      ),
      lastMessage: plan(`SELECT id FROM messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1`, 1),
    };
  } finally {
    db.close();
  }
}
