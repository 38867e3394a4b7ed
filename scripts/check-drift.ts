// Fails when the schema profiles or their migrations disagree:
//  1. prisma/postgresql/schema.prisma is what scripts/prisma-profiles.ts derives;
//  2. both profiles have the same migrations (by name);
//  3. for each database, applying the migrations yields exactly the schema that
//     schema.prisma describes (catalogs compared on two scratch databases).
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { DatabaseProvider } from "../app/config/database-url";
import { listMigrations, migrate } from "../app/db/migrations.server";
import { describeCatalog, diffCatalogs } from "../app/db/schema-catalog.server";
import { schemaSqlFromEmpty } from "../app/db/schema-sql.server";
import { openSqlDriver } from "../app/db/sql-driver.server";
import { createScratchDatabase } from "../app/db/test-databases.server";

const root = path.resolve(import.meta.dirname, "..");
let failed = false;

execFileSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/prisma-profiles.ts"), "--check"], {
  stdio: "inherit",
});

const names = (p: DatabaseProvider) => listMigrations(p).map((m) => m.name).join("\n");
if (names("sqlite") !== names("postgresql")) {
  console.error("migration folders differ between prisma/migrations and prisma/postgresql/migrations");
  failed = true;
}

const providers: DatabaseProvider[] = process.argv.includes("--sqlite-only") ? ["sqlite"] : ["sqlite", "postgresql"];
for (const provider of providers) {
  const migrated = await createScratchDatabase(provider, "drift_m");
  const direct = await createScratchDatabase(provider, "drift_s");
  try {
    await migrate(migrated.target);
    const directSql = await openSqlDriver(direct.target);
    await directSql.exec(schemaSqlFromEmpty(provider));
    const expected = await describeCatalog(directSql);
    await directSql.close();
    const migratedSql = await openSqlDriver(migrated.target);
    const actual = await describeCatalog(migratedSql);
    await migratedSql.close();
    const diff = diffCatalogs(expected, actual);
    if (diff.length) {
      failed = true;
      console.error(`${provider}: migrations drift from schema.prisma (run \`npm run db:new-migration -- <name>\`):`);
      for (const line of diff) console.error(`  ${line}`);
    } else {
      console.log(`${provider}: migrations match schema.prisma (${expected.length} catalog entries)`);
    }
  } finally {
    await migrated.drop();
    await direct.drop();
  }
}
process.exit(failed ? 1 : 0);
