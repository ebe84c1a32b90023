#!/usr/bin/env node
import { Command } from 'commander';
import { registerAssign } from './assign.js';
import { registerBackup } from './backup.js';
import { registerCheckConfig } from './check-config.js';
import { registerClient } from './client.js';
import { registerNote } from './note.js';
import { registerOpen } from './open.js';
import { registerReply } from './reply.js';
import { registerRetype } from './retype.js';
import { registerSendBack } from './send-back.js';
import { registerStatus } from './status.js';
import { registerExplain } from './explain.js';
import { registerHealth } from './health.js';
import { registerJournal } from './journal.js';
import { registerList } from './list.js';
import { registerOutbox } from './outbox.js';
import { registerPipeline } from './pipeline.js';
import { registerReprocess } from './reprocess.js';
import { registerRework } from './rework.js';
import { registerRun } from './run.js';
import { registerSchedule } from './schedule.js';
import { registerShow } from './show.js';
import { registerToday } from './today.js';
import { packageVersion } from '../version.js';

// Each command lives in its own file and registers itself; the file parses flags and calls
// one service function. Exit codes: 0 ok, 1 failure, 2 bad usage or bad config.

const program = new Command()
  .name('ticketd')
  .description('Email-first ticket daemon')
  .version(packageVersion(), '-V, --version', 'print the version of ticketd')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerRun(program);
registerCheckConfig(program);
registerList(program);
registerShow(program);
registerJournal(program);
registerExplain(program);
registerPipeline(program);
registerReprocess(program);
registerOutbox(program);
registerToday(program);
registerClient(program);
registerRework(program);
registerOpen(program);
registerAssign(program);
registerStatus(program);
registerSendBack(program);
registerNote(program);
registerReply(program);
registerRetype(program);
registerSchedule(program);
registerHealth(program);
registerBackup(program);

await program.parseAsync(process.argv);
