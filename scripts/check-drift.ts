// Fails when the schema profiles or their migrations disagree:
//  1. prisma/postgresql/schema.prisma is what scripts/prisma-profiles.ts derives;
//  2. both profiles have the same migrations (by name);
//  3. for each database, applying the migrations yields exactly the schema that
//     schema.prisma describes (catalogs compared on two scratch databases).
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { DatabaseProvider } from "../app/config/database-url";
import { migrationDrift } from "../dev/db/drift.server";
import { listMigrations } from "../app/db/migrations.server";

const root = path.resolve(import.meta.dirname, "..");
let failed = false;

execFileSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/prisma-profiles.ts"), "--check"], {
  stdio: "inherit",
});

const names = (p: DatabaseProvider) =>
  listMigrations(p)
    .map((m) => m.name)
    .join("\n");
if (names("sqlite") !== names("postgresql")) {
  console.error("migration folders differ between prisma/migrations and prisma/postgresql/migrations");
  failed = true;
}

const providers: DatabaseProvider[] = process.argv.includes("--sqlite-only") ? ["sqlite"] : ["sqlite", "postgresql"];
for (const provider of providers) {
  const { differences, catalogEntries } = await migrationDrift(provider);
  if (differences.length) {
    failed = true;
    console.error(`${provider}: migrations drift from schema.prisma (run \`npm run db:new-migration -- <name>\`):`);
    for (const line of differences) console.error(`  ${line}`);
  } else {
    console.log(`${provider}: migrations match schema.prisma (${catalogEntries} catalog entries)`);
  }
}
process.exit(failed ? 1 : 0);
