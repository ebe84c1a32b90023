import { pipelineStages } from '../service/pipeline-stages.js';
import { action, configOption, jsonOption, printJson, type Command } from './common.js';
import { table } from './format.js';

export function registerPipeline(program: Command): void {
  program
    .command('pipeline')
    .description('the stages every incoming message goes through, in order')
    // Accepted like on every command, so scripts can pass -c everywhere; the order is code.
    .option(configOption[0], 'ignored: the order does not depend on the config')
    .option(...jsonOption)
    .action(
      action((opts: { json?: boolean }) => {
        const stages = pipelineStages();
        if (opts.json) return printJson(stages);
        const rows = stages.map((s, i) => [`${i + 1}.`, s.name, s.description]);
        process.stdout.write(`${table(['', 'STAGE', 'DECIDES'], rows)}\n`);
      }),
    );
}
