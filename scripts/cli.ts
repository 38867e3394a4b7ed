// The operator CLI: `npm run cli -- <command> --shop <domain> [--json]`; see app/operator/cli.server.ts.
import db from "../app/db.server";
import { runCli } from "../app/operator/cli.server";

const code = await runCli(db, process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
await db.$disconnect();
process.exit(code);
