import { resolveConfigPath } from '../config/load.js';
import { cleanText } from '../mail/clean-text.js';
import { checkConfig } from '../service/check-config.js';
import { action, configOption, jsonOption, printJson, type Command } from './common.js';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('load and validate the config; list every problem with its path (exit 2)')
    .option(...configOption)
    .option(...jsonOption)
    .action(
      action((opts: { config?: string; json?: boolean }) => {
        const result = checkConfig(resolveConfigPath(opts.config));
        if (!result.ok) process.exitCode = 2;
        if (opts.json) return printJson(result);
        if (!result.ok && result.whole) return void process.stderr.write(cleanText(`ticketd: ${result.problems.join(' ')}\n`));
        if (!result.ok) {
          process.stderr.write(`${result.file}: invalid configuration:\n  ${result.problems.join('\n  ')}\n`);
          return;
        }
        const s = result.summary;
        process.stdout.write(
          [
            `ok ${s.file}`,
            `  mailbox        ${s.mailbox}`,
            `  database       ${s.database}`,
            `  staff          ${s.staff}`,
            `  request types  ${s.requestTypes.join(', ')} (triage: ${s.triageType})`,
            `  rules          ${s.rules}`,
            `  smtp           ${s.smtp ?? 'not configured'}`,
            ...s.warnings.map((w) => `warning: ${w}`),
            '',
          ].join('\n'),
        );
        for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
      }),
    );
}
