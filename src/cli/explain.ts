import { explainFile, type Explanation, type Plan } from '../service/explain.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { table } from './format.js';
import { cleanText } from '../mail/clean-text.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('what the pipeline would do with one message: each stage, the decision, the plan (writes nothing)')
    .argument('<file>', 'a raw message (.eml)')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action(async (file: string, opts: { config?: string; json?: boolean }) => {
        const config = configFrom(opts);
        const result = await explainFile(config, file);
        // On stderr too, so it shows beside --json and above a long trace.
        if (result.notAMail) process.stderr.write(cleanText(`ticketd: warning: ${file} does not look like a mail: ${result.notAMail}\n`));
        if (opts.json) return printJson(result);
        print(render(result));
      }),
    );
}

function render(x: Explanation): string {
  const out: string[] = [];
  out.push(
    table(
      ['file', x.file],
      [
        ['message-id', x.mail.messageId ?? '(none)'],
        ['from', x.mail.from ?? '(none)'],
        ['to', x.mail.recipients.join(', ') || '(none)'],
        ['subject', x.mail.subject],
        ['date', x.mail.date ?? '(none)'],
        ['attachments', x.mail.attachments.map((a) => `${a.filename} (${a.size} bytes)${a.note ? ` ${a.note}` : ''}`).join(', ') || '(none)'],
        ['lookups', x.lookup],
      ],
    ),
  );
  if (x.notAMail) out.push(`warning: this does not look like a mail: ${x.notAMail}`);
  for (const w of x.mail.warnings) out.push(`warning: ${w}`);
  out.push('', 'Pipeline');
  out.push(table(['STAGE', 'RESULT', 'NOTE'], x.trace.map((t) => [t.stage, t.result, t.note ?? ''])));
  out.push('', `Plan: ${planLine(x.plan)}`);
  if (x.decision.noAutoAnswer) out.push(`No automatic answer: ${x.decision.noAutoAnswer}`);
  out.push(`New text: ${quoteStart(x.mail.visibleText)}`);
  if (x.mail.signature) out.push(`Signature (relayed only with relay.keep_signature): ${quoteStart(x.mail.signature)}`);
  const lines = x.commands.map((c) => (c.kind === 'invalid' ? `${c.line} (${c.why})` : c.line)).join(', ');
  if (x.staffMail) {
    out.push(`Command lines: ${lines || '(none)'}`);
    out.push(`Text for the client: ${x.staffMail.body ? quoteStart(x.staffMail.body) : '(none)'}`);
  } else if (lines) {
    out.push(`Command lines: ${lines} (not applied: only staff mail to a signed reply address runs commands)`);
  }
  const facts = Object.entries(x.decision).filter(([k]) => k !== 'sender' && k !== 'ticket');
  if (facts.length) out.push(`Decision: ${facts.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  return `${out.join('\n')}\n`;
}

/** The first 300 characters, as a JSON string (line breaks and control characters visible). */
function quoteStart(text: string): string {
  return text ? `${JSON.stringify(text.slice(0, 300))}${text.length > 300 ? ' …' : ''}` : '(none)';
}

function planLine(p: Plan): string {
  switch (p.action) {
    case 'create':
      return `create a ${p.typeId} ticket, assignee ${p.assignee ?? '(triage queue)'}, priority ${p.priority}, for ${p.sender.kind} ${p.sender.email}`;
    case 'append':
      return p.thirdParty
        ? `append to ${p.ticket.key} (${p.ticket.status}) as a third party's message, changing nothing: ${p.thirdParty}`
        : `append to ${p.ticket.key} (${p.ticket.status}) as ${p.sender.kind} ${p.sender.email}`;
    case 'ignore':
      return `ignore: ${p.reason}${p.ticket ? ` (recorded on ${p.ticket.key})` : ''}`;
    case 'status-request':
      return `answer ${p.sender.email} with their open tickets (no ticket)`;
    case 'refuse':
      return `refuse ${p.sender.email}: ${p.reason}`;
    case 'staff-mail':
      return `staff mail from ${p.sender.staffId} on ${p.ticket.key} (${p.ticket.status}): apply its command lines, then relay its text to the client or keep it as a note`;
    case 'staff-open':
      return `staff ${p.sender.staffId} opens a ticket for the client its #client line names (${p.typeId} unless #type says otherwise), if its lines are all valid`;
  }
}
