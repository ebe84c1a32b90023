// The demo's walk-through (npm run demo): two clients write, ticketd routes their mail, the
// agent answers by replying to the assignment notice, the lead closes from the CLI, and the
// scheduler's mails are previewed. Every mail is read back from the mailbox it was delivered
// to and printed as its reader sees it. demo.sh starts Dovecot and the relay and writes the
// config first; this script only plays the story against them.
//
//   node dist/scripts/demo-story.js --config FILE --imap-port N --smtp-port N
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParsedMail } from 'mailparser';
import { loadConfig } from '../src/config/load.js';
import { dayOff, instantOf, localTime } from '../src/schedule/clock.js';
import { format, read, replyTo, send, userOf, type Ports } from './demo-mail.js';

const { values } = parseArgs({ options: { config: { type: 'string' }, 'imap-port': { type: 'string' }, 'smtp-port': { type: 'string' } } });
if (!values.config || !values['imap-port'] || !values['smtp-port']) {
  process.stderr.write('usage: demo-story --config FILE --imap-port N --smtp-port N\n');
  process.exit(2);
}
const configFile = values.config;
const config = loadConfig(configFile, process.env, { secrets: false });
const ports: Ports = { imap: Number(values['imap-port']), smtp: Number(values['smtp-port']), password: process.env.DEMO_PASSWORD ?? 'ticketd' };
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
const tz = config.timezone;

const out = (s = '') => process.stdout.write(`${s}\n`);
let stepNo = 0;
const step = (title: string, why?: string) => {
  out(`\n== ${++stepNo}. ${title}`);
  if (why) out(`   ${why}`);
};

/** Run the CLI as a person would type it (shown with `$`), print its output indented. */
function ticketd(...args: string[]): string {
  out(`\n  $ ticketd ${args.map(shown).join(' ')}`);
  const text = execFileSync(process.execPath, [cli, ...args, '-c', configFile], { encoding: 'utf8' });
  if (text.trim()) out(text.replace(/\s+$/, '').replace(/^/gm, '    '));
  return text;
}
const quietly = (...args: string[]) => execFileSync(process.execPath, [cli, ...args, '-c', configFile], { encoding: 'utf8' });

// What each mailbox held when we last looked: "new mail" is what came after.
const seen = new Map<string, number>();
async function newMail(user: string): Promise<ParsedMail[]> {
  const mails = await read(ports, user, seen.get(user) ?? 0);
  if (mails.length) seen.set(user, mails.at(-1)!.uid);
  return mails.map((m) => m.mail);
}
async function showNew(user: string, who: string): Promise<ParsedMail[]> {
  const mails = await newMail(user);
  out(`\n  ${who}'s mailbox (${user}): ${mails.length} new mail(s)`);
  for (const m of mails) out(`\n${format(m, tz)}`);
  return mails;
}

const staff = (id: string) => config.staff.find((s) => s.id === id)!;
const lead = config.staff.find((s) => s.role === 'lead') ?? config.staff.find((s) => s.role === 'manager')!;

/** The first moment from now on when the scheduler runs a job at `hhmm`: a business day's. */
function nextRun(hhmm: string): Date {
  const now = new Date();
  for (let i = 0; i < 30; i++) {
    const day = localTime(new Date(now.getTime() + i * 86_400_000), tz);
    const at = instantOf(day.date, hhmm, tz);
    if (!dayOff(day, config) && at >= now) return at;
  }
  return now;
}

/** An argument as a person would type it in a shell. */
const shown = (a: string): string =>
  /\n/.test(a) ? `$'${a.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n')}'` : /[^\w@.,:/=+-]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a;

const maria = { name: 'Maria Lopez', address: 'maria@casalopez-tapas.example' };
const anna = { name: 'Anna Kim', address: 'anna.kim@smilebright-dental.example' };

out(`ticketd demo: support address ${config.support_address}, timezone ${tz}`);
out('Mailboxes (all in the private Dovecot): support, the clients maria and anna.kim, and each staff member.');

step('Two clients write to support', 'Their mail is delivered into the support mailbox, as a mail server would.');
const clientMails = [
  {
    from: `${maria.name} <${maria.address}>`,
    subject: 'Charged twice for November - refund please',
    text: 'Hello,\n\nOur card was charged twice for the November invoice (2 x $450).\nCould you refund the second charge?\n\nThanks,\nMaria Lopez\nCasa Lopez Tapas Bar\n',
  },
  {
    from: `${anna.name} <${anna.address}>`,
    subject: 'Booking form on our website shows an error',
    text: 'Hi,\n\nSince this morning the booking form on our website says "error 500" when a patient presses Send.\n\nBest regards,\nDr. Anna Kim\nSmile Bright Dental\n',
  },
];
for (const m of clientMails) {
  await send(ports, { ...m, to: config.support_address });
  out(`\n    From: ${m.from}\n    Subject: ${m.subject}`);
}

step('ticketd reads the mailbox: one ticket per mail, routed by the rules', 'One pass of the daemon (`run --once`), then the ticket list.');
ticketd('run', '--once');
ticketd('list');
const tickets = JSON.parse(quietly('list', '--json')) as { key: string; typeId?: string; type?: string; assignee: string | null; client?: string; clientEmail?: string; subject: string }[];
const ticketOf = (subjectPart: string) => tickets.find((t) => t.subject.includes(subjectPart))!;
const refund = ticketOf('Charged twice');
const booking = ticketOf('Booking form');
const agent = staff(refund.assignee!);
const agent2 = staff(booking.assignee!);

step(`${maria.name} gets an acknowledgement with the ticket key`);
await showNew(userOf(maria.address), maria.name);
const annaAck = await newMail(userOf(anna.address));
out(`\n  (${anna.name} got hers too: "${annaAck[0]?.subject ?? ''}")`);

step(`${agent.name} gets the assignment notice`, 'Its Reply-To is a signed address: replying to it works the ticket.');
const [notice] = await showNew(userOf(agent.email), agent.name);
await newMail(userOf(agent2.email)); // the other agent's notice: shown by `today` below

step(`${agent.name} replies to the notice from a mail client`, 'To its signed Reply-To: "#tbc" on top (done, to be checked), the answer, the notice quoted below.');
const answer = `#tbc\n\nHi Maria,\n\nYou are right: the card was charged twice. We refunded the second $450 today;\nyour bank shows it within 3-5 business days.\n\nOlivia`;
const reply = replyTo(notice!, answer);
await send(ports, reply);
out(`\n    From:    ${reply.from}\n    To:      ${reply.to}\n    Subject: ${reply.subject}\n`);
out(reply.text.replace(/\s+$/, '').replace(/^/gm, '    '));
ticketd('run', '--once');
ticketd('journal', '--limit', '1');
const [confirmation] = await newMail(userOf(agent.email));
out(`\n  ${agent.name}'s confirmation: "${confirmation?.subject ?? '(none)'}"`);
out((confirmation?.text ?? '').replace(/\s+$/, '').split('\n').slice(0, 8).join('\n').replace(/^/gm, '    '));

step(`${maria.name} gets the answer`, 'On her ticket\'s thread, from the support address, without the "#tbc" line or the quoted notice.');
await showNew(userOf(maria.address), maria.name);

step(`${lead.name} (${lead.role}) checks the work and closes the ticket from the CLI`);
ticketd('show', refund.key);
ticketd('close', refund.key, '--as', lead.id);
ticketd('run', '--once');

step(`${maria.name} gets the closed notice`);
await showNew(userOf(maria.address), maria.name);

step(`${agent2.name}'s day: \`ticketd today\``, `${booking.key} is still new: the agent's own tickets, oldest first.`);
ticketd('today', '--as', agent2.id);

const morning = nextRun(config.schedule.daily_list || '08:00');
step(`At ${config.schedule.daily_list || '08:00'} on the next working day: each person's daily list (preview)`, `\`--dry-run\` prints what the ${config.schedule.daily_list || '08:00'} job would send and claims nothing.`);
ticketd('schedule', 'run', 'daily_list', '--dry-run', '--at', morning.toISOString());

step(`${agent2.name} answers ${anna.name} from the CLI and marks the work done`);
ticketd('reply', booking.key, '--as', agent2.id, '--tbc', '-m', 'Hi Anna,\n\nThe booking form works again: a plugin update had broken it. Could you try once more?\n\nJoe');
ticketd('run', '--once');
await showNew(userOf(anna.address), anna.name);

const evening = nextRun(config.schedule.sweep || '17:00');
step(`At ${config.schedule.sweep || '17:00'} on a working day: the sweep of tickets still To Be Checked (preview)`, `${booking.key} waits for a check: management gets the list.`);
ticketd('schedule', 'run', 'sweep', '--dry-run', '--at', evening.toISOString());

out('\n== The end of the story: everything is still there to play with (README "Demo").');
