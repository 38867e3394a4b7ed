// The operator CLI: `npm run cli -- <command> --shop <domain> [--json]`; see app/operator/cli.server.ts.
import db from "../app/db.server";
import { runCli } from "../app/operator/cli.server";

const code = await runCli({
  db,
  argv: process.argv.slice(2),
  io: {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    // Loaded only when a command queues work: the engine connects as it loads.
    jobs: async () => (await import("../app/runtime/job-engine.server")).queue,
  },
});
await db.$disconnect();
process.exit(code);
