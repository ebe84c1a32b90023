// Append .eml files to a mailbox folder over IMAP (the demo puts the sample mail in its
// private Dovecot with this).
//
//   node dist/scripts/load-mail.js --port N --user U --password P [--host H] [--folder F] FILE|DIR...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    folder: { type: 'string', default: 'INBOX' },
  },
});

if (!values.port || !values.user || !values.password || !positionals.length) {
  process.stderr.write('usage: load-mail --port N --user U --password P [--host H] [--folder F] FILE|DIR...\n');
  process.exit(2);
}

/** .eml files, a directory's in name order so the demo's tickets come out the same each run. */
function emlFiles(args: string[]): string[] {
  return args.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.eml'))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
}

const files = emlFiles(positionals);
const client = new ImapFlow({
  host: values.host!,
  port: Number(values.port),
  secure: false,
  auth: { user: values.user, pass: values.password },
  logger: false,
});
await client.connect();
try {
  await client.mailboxCreate(values.folder!).catch(() => undefined); // INBOX or already there
  for (const file of files) await client.append(values.folder!, readFileSync(file));
} finally {
  await client.logout();
}
process.stdout.write(`appended ${files.length} message(s) to ${values.user}/${values.folder}\n`);
