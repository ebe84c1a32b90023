// Child-process entry: `node phase.js NAME`, then one IPC message { args }; answers with
// { ok, value, maxRssKb } or { ok: false, error }. Each phase module is imported only in its
// own child, so one phase's code does not count in another's RSS.

interface PhaseModule {
  run(args: never): Promise<unknown>;
}

const phases: Record<string, () => Promise<PhaseModule>> = {
  append: () => import('./phases/append.js'),
  'fetch-only': () => import('./phases/fetch-only.js'),
  baseline: () => import('./phases/baseline.js'),
  ingest: () => import('./phases/ingest.js'),
  'smtp-sink': () => import('./phases/smtp-sink.js'),
  'nodemailer-send': () => import('./phases/nodemailer-send.js'),
  drain: () => import('./phases/drain.js'),
  reads: () => import('./phases/reads.js'),
  schedule: () => import('./phases/schedule.js'),
};

const name = process.argv[2] ?? '';

process.once('message', (m: { args: unknown }) => {
  void (async () => {
    let reply: object;
    try {
      const load = phases[name];
      if (!load) throw new Error(`unknown phase "${name}"`);
      const value = await (await load()).run(m.args as never);
      const usage = process.resourceUsage();
      reply = { ok: true, value, maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime };
    } catch (err) {
      reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    process.send!(reply, () => process.disconnect());
  })();
});
