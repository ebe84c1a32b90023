import type { Config } from '../config/schema.js';
import type { HealthFacts } from '../service/health-check.js';
import { checkHealth } from '../service/health.js';
import { action, configFrom, configOption, jsonOption, print, printJson, type Command } from './common.js';
import { table } from './format.js';
import { ago, localTime } from '../dates.js';

// Exit 0 ok, 1 warning, 2 critical (Nagios plugin convention): monitoring, systemd timers and
// uptime checkers call it as is. Thresholds: src/service/health-check.ts and the README.

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description('is ticketd well: daemon, mailbox, outbox, journal, schedule, disk (exit 0 ok, 1 warning, 2 critical)')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action(async (opts: { config?: string; json?: boolean }) => {
        // The mailbox password is needed: health logs in to count what waits there.
        const config = configFrom(opts, { secrets: true });
        const { report, facts } = await checkHealth(config);
        if (opts.json) printJson({ status: report.level, exitCode: report.exitCode, checks: report.checks, facts });
        else {
          const problems = report.checks.filter((c) => c.problem).map((c) => `${c.name}: ${c.problem}`);
          const lines = report.checks.map((c) => [c.name, c.level, [c.problem, detail(c.name, facts, config)].filter(Boolean).join('; ')]);
          print(`TICKETD ${report.level.toUpperCase()}${problems.length ? ` - ${problems.join('; ')}` : ''}\n${table(['CHECK', 'STATUS', 'DETAIL'], lines)}\n`);
        }
        process.exitCode = report.exitCode;
      }),
    );
}

function detail(name: string, f: HealthFacts, config: Config): string {
  const when = (iso: string) => `${localTime(iso, config.timezone)} (${ago(iso, new Date(f.now))})`;
  switch (name) {
    case 'daemon':
      return f.daemon.held ? `running${f.daemon.pid ? ` (pid ${f.daemon.pid})` : ''}` : '';
    case 'mailbox': {
      const read = f.mailbox.read?.readAt ? `last read ${when(f.mailbox.read.readAt)}` : 'never read';
      const probe = f.mailbox.probe;
      const waiting = probe ? (probe.waiting === null ? `${probe.messages} in the folder` : `${probe.waiting} waiting unread by ticketd`) : '';
      return [read, waiting].filter(Boolean).join(', ');
    }
    case 'outbox': {
      const o = f.outbox;
      return `${o.pending} pending${o.oldestPending ? ` (oldest from ${ago(o.oldestPending, new Date(f.now))})` : ''}, ${o.held} held, ${o.failed} failed`;
    }
    case 'journal':
      return `${f.journal.failed} failed`;
    case 'schedule':
      return f.jobs
        .map((j) => `${j.job} ${j.lastClaimedAt ? `last ${when(j.lastClaimedAt)}` : j.enabled ? 'not run yet' : 'off'}`)
        .join(', ');
    case 'disk':
      return 'error' in f.disk ? '' : `${gib(f.disk.freeBytes)} free of ${gib(f.disk.totalBytes)} under ${f.disk.path}`;
    default:
      return '';
  }
}

const gib = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GiB`;
