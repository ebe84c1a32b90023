import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { startOutboxLoop } from '../../src/outbox/deliver.js';
import { openDb } from '../../src/store/db.js';

// A delivery loop in its own process, for crash tests: `node dist/test/support/deliver-child.js
// CONFIG` delivers until killed. Prints "ready" once the loop runs.

const config = loadConfig(process.argv[2]!);
const db = openDb(config.database);
startOutboxLoop(config, db, createLogger('silent'), { idleMs: 50 });
process.stdout.write('ready\n');
