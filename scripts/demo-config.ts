// Write the demo's config: the example config with the demo mailbox, the demo relay as SMTP
// server, signed reply addresses, and paths under .demo. The Document API keeps the example's
// comments, so the demo config reads like the example.
//
//   node dist/scripts/demo-config.js --example FILE --port N [--smtp-port N] --user U --out FILE
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';

const { values } = parseArgs({
  options: {
    example: { type: 'string' },
    port: { type: 'string' },
    'smtp-port': { type: 'string' },
    user: { type: 'string', default: 'support' },
    out: { type: 'string' },
  },
});
if (!values.example || !values.port || !values.out) {
  process.stderr.write('usage: demo-config --example FILE --port N [--user U] --out FILE\n');
  process.exit(2);
}

const doc = parseDocument(readFileSync(values.example, 'utf8'));
// Relative paths resolve against the config file, i.e. inside .demo/.
doc.set('database', 'ticketd.sqlite');
doc.set('data_dir', 'data');
doc.setIn(['mailbox', 'host'], '127.0.0.1');
doc.setIn(['mailbox', 'port'], Number(values.port));
doc.setIn(['mailbox', 'secure'], false);
// The demo's Dovecot is on loopback without TLS; a real server keeps the default (TLS required).
doc.setIn(['mailbox', 'allow_plaintext'], true);
doc.setIn(['mailbox', 'user'], values.user);
// A secret stays out of the file: demo.sh exports the variable.
doc.setIn(['mailbox', 'password'], '${TICKETD_DEMO_IMAP_PASSWORD}');
doc.setIn(['mailbox', 'folder'], 'INBOX');
doc.deleteIn(['mailbox', 'processed_folder']);
doc.setIn(['mailbox', 'poll_seconds'], 5);
// The demo delivers its mail before the daemon's first read: take all of it.
doc.setIn(['mailbox', 'start_from'], 'all');
if (values['smtp-port']) {
  // The demo relay (scripts/demo-relay.ts) on loopback: no TLS, no login. It delivers into the
  // demo's Dovecot mailboxes, so every mail we send can be read there.
  doc.setIn(['smtp', 'host'], '127.0.0.1');
  doc.setIn(['smtp', 'port'], Number(values['smtp-port']));
  doc.setIn(['smtp', 'secure'], false);
  doc.deleteIn(['smtp', 'user']);
  doc.deleteIn(['smtp', 'password']);
  doc.setIn(['smtp', 'allow_plaintext'], true);
} else {
  // Without a receiver, outgoing mail stays queued in the outbox, visible there.
  doc.delete('smtp');
}
// Staff answer by replying to ticket mail (README "Email commands"). The secret is made at
// random for this demo run and lives only in .demo/: a real config never holds a secret.
const replyAddresses = doc.createNode({ keys: [{ version: 1, secret: `demo-only-${randomBytes(18).toString('base64url')}` }], max_age_days: 90 });
replyAddresses.commentBefore =
  ' DEMO ONLY: a random secret made by `npm run demo` for this run. A real config reads it from\n' +
  ' the environment ("${TICKETD_REPLY_SECRET}", see the example config) and never writes it here.';
doc.set('reply_addresses', replyAddresses);
writeFileSync(values.out, doc.toString());
