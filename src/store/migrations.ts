// Schema migrations, applied in order; PRAGMA user_version records how many ran.
// Never edit a shipped migration: add a new one.

export const migrations: readonly string[] = [
  `
  -- Where each mailbox folder was read up to. Advanced in the same transaction as the
  -- outcome of the message at last_uid, so a crash never skips or repeats a message.
  CREATE TABLE checkpoints (
    mailbox      TEXT PRIMARY KEY,          -- "user@host/INBOX"
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
  );

  -- Every fetched message, written before it is parsed; outcome filled in by the commit.
  CREATE TABLE journal (
    id           INTEGER PRIMARY KEY,
    mailbox      TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    message_id   TEXT,                      -- without angle brackets
    sha256       TEXT NOT NULL,
    raw_path     TEXT NOT NULL,             -- relative to data_dir
    size         INTEGER NOT NULL,
    subject      TEXT,
    from_addr    TEXT,
    fetched_at   TEXT NOT NULL,
    outcome      TEXT CHECK (outcome IN ('created','appended','command','ignored','failed')),
    reason       TEXT,                      -- ignored: why; failed: the error
    ticket_id    INTEGER REFERENCES tickets(id),
    trace        TEXT,                      -- JSON: which stage decided what
    processed_at TEXT,
    server_marked INTEGER NOT NULL DEFAULT 0, -- \\Seen set or moved after the commit
    attempts     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (mailbox, uidvalidity, uid)
  );
  CREATE INDEX journal_message_id ON journal(message_id);
  CREATE INDEX journal_sha256 ON journal(sha256);
  CREATE INDEX journal_outcome ON journal(outcome);

  CREATE TABLE tickets (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,     -- PREFIX-n
    number        INTEGER NOT NULL UNIQUE,
    type_id       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('new','open','tbc','closed')),
    priority      TEXT NOT NULL DEFAULT 'normal',
    assignee      TEXT,                     -- staff id; NULL = triage queue
    opener_kind   TEXT NOT NULL CHECK (opener_kind IN ('client','staff')),
    opener_email  TEXT NOT NULL,
    opener_name   TEXT,
    checker       TEXT NOT NULL,            -- staff id, or 'management'
    client_email  TEXT,                     -- who hears about this ticket
    organisation  TEXT,
    client_wrote  INTEGER NOT NULL DEFAULT 0, -- the "blue" flag
    thread_message_id TEXT,                 -- Message-ID our mails on this ticket thread onto
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    closed_at     TEXT
  );
  CREATE INDEX tickets_status ON tickets(status, created_at);
  CREATE INDEX tickets_client ON tickets(client_email);

  -- Mail on a ticket, in and out. message_id indexes threading by In-Reply-To/References.
  CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    journal_id    INTEGER REFERENCES journal(id),
    outbox_id     INTEGER REFERENCES outbox(id),
    direction     TEXT NOT NULL CHECK (direction IN ('in','out')),
    author_kind   TEXT NOT NULL CHECK (author_kind IN ('client','staff','system')),
    author_email  TEXT,
    message_id    TEXT,
    subject       TEXT,
    body_text     TEXT NOT NULL DEFAULT '',
    visible_text  TEXT NOT NULL DEFAULT '',
    body_html     TEXT,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX messages_ticket ON messages(ticket_id, id);
  CREATE INDEX messages_message_id ON messages(message_id);

  CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages(id),
    filename      TEXT NOT NULL,            -- sanitised
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT,                     -- NULL when not stored (over the size cap)
    path          TEXT,                     -- relative to data_dir
    note          TEXT
  );
  CREATE INDEX attachments_message ON attachments(message_id);

  -- Every change, so any report can be rebuilt from events.
  CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id),
    journal_id    INTEGER REFERENCES journal(id),
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,            -- staff id, client email, or 'system'
    via           TEXT NOT NULL CHECK (via IN ('email','cli','cron','system')),
    kind          TEXT NOT NULL,            -- created, client_replied, status_changed, ...
    data          TEXT NOT NULL DEFAULT '{}' -- JSON
  );
  CREATE INDEX events_ticket ON events(ticket_id, id);

  -- Transactional outbox: a row is written with the change that causes it; a separate
  -- loop delivers. Threading headers are fixed here so a retry is the same mail.
  CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id),
    journal_id    INTEGER REFERENCES journal(id),
    kind          TEXT NOT NULL,            -- ack, assigned, closed, status, unknown_sender, ...
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    message_id    TEXT NOT NULL UNIQUE,
    in_reply_to   TEXT,
    refs          TEXT,                     -- space-separated Message-IDs
    headers       TEXT NOT NULL DEFAULT '{}', -- JSON of extra headers
    text          TEXT NOT NULL,
    html          TEXT,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','held')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    sent_at       TEXT
  );
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  CREATE INDEX outbox_recipient ON outbox(to_addr, created_at);

  CREATE TABLE clients (
    email         TEXT PRIMARY KEY,
    name          TEXT,
    organisation  TEXT,
    first_seen    TEXT NOT NULL
  );
  `,
  `
  -- The rate limits count recent outbox rows on every enqueue; covering, so counting reads
  -- only the index.
  CREATE INDEX outbox_recent ON outbox(created_at, status);
  `,
  // outbox claims
  `
  -- A deliverer claims a row (status 'sending', claimed_at, claimed_by) with one UPDATE before
  -- handing it to SMTP, so two deliverers never send the same row. SQLite cannot change a
  -- CHECK, so the table is rebuilt. messages.outbox_id refers to it: foreign keys are checked
  -- at commit, after the copy back has restored every referenced row.
  PRAGMA defer_foreign_keys = ON;
  CREATE TEMP TABLE outbox_copy AS SELECT * FROM outbox;
  DROP TABLE outbox;
  CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id),
    journal_id    INTEGER REFERENCES journal(id),
    kind          TEXT NOT NULL,
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    message_id    TEXT NOT NULL UNIQUE,
    in_reply_to   TEXT,
    refs          TEXT,
    headers       TEXT NOT NULL DEFAULT '{}',
    text          TEXT NOT NULL,
    html          TEXT,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed','held')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    claimed_at    TEXT,                     -- when a deliverer took it ('sending')
    claimed_by    TEXT                      -- host/pid/start token of that deliverer
  );
  INSERT INTO outbox (id, ticket_id, journal_id, kind, to_addr, subject, message_id, in_reply_to, refs, headers,
      text, html, status, attempts, next_attempt_at, last_error, created_at, sent_at)
    SELECT id, ticket_id, journal_id, kind, to_addr, subject, message_id, in_reply_to, refs, headers,
      text, html, status, attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox_copy;
  DROP TABLE outbox_copy;
  CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
  CREATE INDEX outbox_recipient ON outbox(to_addr, created_at);
  CREATE INDEX outbox_recent ON outbox(created_at, status);
  `,
  // outbox global-limit slots
  `
  -- When each mail was first due. The global rate limit counts these, so mail deferred to a
  -- later window counts in that window, not in the one it was written in.
  ALTER TABLE outbox ADD COLUMN scheduled_at TEXT;
  UPDATE outbox SET scheduled_at = created_at;
  CREATE INDEX outbox_slot ON outbox(scheduled_at, status);
  `,
  // outbox auto-replied column
  `
  -- The per-recipient limit counts automatic replies (Auto-Submitted: auto-replied) to one
  -- address on every enqueue: a column and a partial covering index instead of json_extract
  -- over each row's headers. outbox_recent (the old global count, now outbox_slot) and
  -- outbox_recipient (the old per-recipient scan) serve no query any more; each cost an index
  -- write per row.
  ALTER TABLE outbox ADD COLUMN auto_replied INTEGER NOT NULL DEFAULT 0;
  UPDATE outbox SET auto_replied = 1 WHERE json_extract(headers, '$."Auto-Submitted"') = 'auto-replied';
  DROP INDEX outbox_recent;
  DROP INDEX outbox_recipient;
  CREATE INDEX outbox_auto_replies ON outbox(to_addr, created_at, status) WHERE auto_replied = 1;
  `,
  // ticket number high-water mark
  `
  -- The last ticket number ever given. Numbers were MAX(number) + 1, which gives a number
  -- again once the row holding the highest one is gone (a lost commit, a restore, a purge);
  -- this counter only moves up, in the transaction that creates the ticket.
  CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO counters (name, value)
    SELECT 'ticket_number', MAX(number) FROM tickets HAVING MAX(number) IS NOT NULL;
  `,
  // outbox recipient key and audience
  `
  -- Rate limits count recipient_key (to_addr lowercased, +tag removed from the local part),
  -- so victim+1@ and victim+2@ share one quota; to_addr stays as written. audience orders
  -- delivery: staff mail first, never behind automatic replies to the outside. Until now only
  -- assignment notices went to staff. The global limit now holds automatic replies instead of
  -- scheduling slots for all mail: scheduled_at and its index serve no query any more.
  ALTER TABLE outbox ADD COLUMN recipient_key TEXT NOT NULL DEFAULT '';
  UPDATE outbox SET recipient_key = lower(CASE
      WHEN instr(substr(to_addr, 1, instr(to_addr, '@') - 1), '+') > 1
      THEN substr(to_addr, 1, instr(to_addr, '+') - 1) || substr(to_addr, instr(to_addr, '@'))
      ELSE to_addr END);
  ALTER TABLE outbox ADD COLUMN audience TEXT NOT NULL DEFAULT 'outside' CHECK (audience IN ('staff','outside'));
  UPDATE outbox SET audience = 'staff' WHERE kind = 'assigned';
  DROP INDEX outbox_auto_replies;
  DROP INDEX outbox_slot;
  ALTER TABLE outbox DROP COLUMN scheduled_at;
  CREATE INDEX outbox_auto_replies_to ON outbox(recipient_key, created_at, status) WHERE auto_replied = 1;
  CREATE INDEX outbox_auto_replies_recent ON outbox(created_at, status, audience) WHERE auto_replied = 1;
  CREATE INDEX outbox_due_audience ON outbox(status, audience, next_attempt_at);
  `,
  // ticket worker and rework tracker
  `
  -- worker: who marked the ticket done (tbc); a send-back gives the ticket back to them.
  -- rework: one row per send-back (the "ENFRA tracker" of the process document):
  -- back_to_tbc_at stays NULL until the worker marks the ticket done again.
  ALTER TABLE tickets ADD COLUMN worker TEXT;
  CREATE TABLE rework (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
    type_id        TEXT NOT NULL,
    worker         TEXT NOT NULL,           -- staff id who did the work sent back
    checker        TEXT NOT NULL,           -- staff id who sent it back
    sent_back_at   TEXT NOT NULL,
    reason         TEXT NOT NULL,
    back_to_tbc_at TEXT
  );
  CREATE INDEX rework_ticket ON rework(ticket_id, back_to_tbc_at);
  CREATE INDEX rework_sent_back ON rework(sent_back_at);
  -- Delivery looks up the files of the message a row carries (staff replies only): partial,
  -- so the client mail that makes up most messages costs it nothing.
  CREATE INDEX messages_outbox ON messages(outbox_id) WHERE outbox_id IS NOT NULL;
  `,
  // read-side indexes (issue 8)
  `
  -- The read commands on a large store (bench: 100,000 tickets, each under 100 ms).
  -- today and list --mine: a person's tickets by status, oldest first; the triage queue is
  -- assignee IS NULL. client by domain and by organisation: the domain is an expression
  -- index, written exactly as read-client.ts queries it, so SQLite can use it; status and
  -- closed_at let "the last 10 closed" be read from the index before any row is fetched.
  CREATE INDEX tickets_assignee ON tickets(assignee, status, created_at);
  CREATE INDEX tickets_client_domain ON tickets(substr(client_email, instr(client_email, '@') + 1), status, closed_at);
  CREATE INDEX tickets_organisation ON tickets(organisation, status, closed_at);
  CREATE INDEX clients_domain ON clients(substr(email, instr(email, '@') + 1));
  CREATE INDEX clients_organisation ON clients(organisation);
  `,
  // scheduler claims (issue 10)
  `
  -- One row per (job, recipient, local day) the scheduler decided, written in the same
  -- transaction as the outbox row it caused: the unique key is what makes a job send once,
  -- whatever runs it (two daemons, a restart, ticketd schedule run). outbox_id is NULL when
  -- there was nothing to send (the day is decided all the same); recipient '*' is the sweep's
  -- own row that guards its left_in_tbc events.
  CREATE TABLE schedule_claims (
    id         INTEGER PRIMARY KEY,
    job        TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    local_date TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    outbox_id  INTEGER REFERENCES outbox(id),
    tickets    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (job, local_date, recipient)
  );
  `,
  // files a mail carries, and the staff-mail limit (issue 9)
  `
  -- The stored attachments an outgoing mail carries besides a staff reply's own (messages.outbox_id):
  -- a client's files forwarded to the assignee. Chosen when the row is written (within the
  -- size budget), so a retry sends the same files.
  CREATE TABLE outbox_attachments (
    outbox_id     INTEGER NOT NULL REFERENCES outbox(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (outbox_id, attachment_id)
  ) WITHOUT ROWID;
  -- Confirmations and forwards to one staff member about one ticket in a window
  -- (rate_limits.staff_per_ticket): what stops a loop with a staff auto-responder.
  CREATE INDEX outbox_staff_auto ON outbox(recipient_key, ticket_id, created_at) WHERE kind IN ('confirmation', 'forward');
  `,
  // mailbox start and reads, the mail's own date (issue 11)
  `
  -- start_at: the instant mailbox.start_from named when the database first read this folder
  -- (NULL: all of it). Mail older than that was left alone on the server, never journaled; a
  -- new UIDVALIDITY rescans from that instant, not from the first message. read_at: the end of
  -- the last pass that read the folder successfully (ticketd health). journal.sent_at: the
  -- mail's own Date header (ISO), as the sender's clock wrote it.
  ALTER TABLE checkpoints ADD COLUMN start_at TEXT;
  ALTER TABLE checkpoints ADD COLUMN read_at TEXT;
  ALTER TABLE journal ADD COLUMN sent_at TEXT;
  `,
];
