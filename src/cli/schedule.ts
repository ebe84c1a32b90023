import { TicketdError } from '../errors.js';
import { runScheduledJob, scheduleStatus } from '../service/schedule.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { localTime } from '../dates.js';

interface ScheduleOpts {
  config?: string;
  json?: boolean;
}

interface RunOpts extends ScheduleOpts {
  at?: string;
  dryRun?: boolean;
}

export function registerSchedule(program: Command): void {
  const cmd = program
    .command('schedule')
    .description('the scheduled jobs: local time, next run in the configured timezone, last claims')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((opts: ScheduleOpts) => {
        const config = configFrom(opts);
        const s = scheduleStatus(config);
        if (opts.json) return printJson(s);
        const out = [`timezone ${s.timezone}\n`];
        for (const j of s.jobs) {
          out.push(`\n${j.name}  ${j.time ?? 'off'}  next: ${j.nextRun ? localTime(j.nextRun, s.timezone) : '-'}\n  to: ${j.to}\n  ${j.what}\n`);
          if (!j.lastClaims.length) out.push('  last claims: none\n');
          else {
            out.push(`  last claims (${j.lastClaims[0]!.localDate}):\n`);
            for (const c of j.lastClaims) {
              // Recipient '*' is the day's own claim: the sweep's left_in_tbc events.
              if (c.recipient === '*') out.push(`    (ticket events): ${c.tickets}, at ${localTime(c.claimedAt, s.timezone)}\n`);
              else out.push(`    ${c.recipient}: ${c.outboxId ? `mail #${c.outboxId}` : 'nothing to send'}, ${c.tickets} ticket(s), at ${localTime(c.claimedAt, s.timezone)}\n`);
            }
          }
        }
        print(out.join(''));
      }),
    );
  cmd
    .command('run <job>')
    .description('run one job now, as if at --at (default now), through the same claims: twice sends once')
    .option(...configOption)
    .option('--at <iso-time>', 'the moment to run as, e.g. 2026-03-09T17:00:00-05:00')
    .option('--dry-run', 'print the mails it would send; claim nothing')
    .option(...jsonOption)
    .action(
      action((job: string, own: RunOpts) => {
        // -c and --json after the job name may land on the parent command (commander).
        const parent = cmd.opts<ScheduleOpts>();
        const opts = { ...own, config: own.config ?? parent.config, json: own.json ?? parent.json };
        const config = configFrom(opts);
        const at = opts.at ? new Date(opts.at) : new Date();
        if (Number.isNaN(at.getTime())) throw new TicketdError('USAGE', `--at: not an ISO time: "${opts.at}"`);
        const r = runScheduledJob(config, job, { at, dryRun: Boolean(opts.dryRun) });
        if (opts.json) return printJson(r);
        if ('skipped' in r) return print(`${r.job} ${r.localDate}: skipped: ${r.skipped}\n`);
        const out = [`${r.job} ${r.localDate}${r.dryRun ? ' (dry run: nothing claimed)' : ''}: ${r.sent.length} mail(s)\n`];
        for (const m of r.sent) {
          out.push(`  ${m.recipient} <${m.to}>: ${m.tickets} ticket(s)${m.outboxId ? `, outbox #${m.outboxId}` : ''}\n`);
          if (m.mail) out.push(`\n    Subject: ${m.mail.subject}\n\n${m.mail.text.replace(/^/gm, '    ')}\n`);
        }
        if (r.empty.length) out.push(`  nothing to send: ${r.empty.join(', ')}\n`);
        if (r.alreadyClaimed.length) out.push(`  already claimed today: ${r.alreadyClaimed.join(', ')}\n`);
        if (r.events) out.push(`  ${r.events} ticket event(s) written\n`);
        print(out.join(''));
      }),
    );
}
