// Applies committed migrations to DATABASE_URL (SQLite by default). Safe to run on every start.
import { resolveDatabaseTarget } from "../app/config/database-url";
import { migrate } from "../app/db/migrations.server";

const target = resolveDatabaseTarget();
const result = await migrate(target);
console.log(
  `migrations (${target.provider}): ${result.applied.length} applied, ${result.alreadyApplied.length} already applied` +
    (result.applied.length ? ` [${result.applied.join(", ")}]` : ""),
);
