// Writes a new migration for both profiles from the change to prisma/schema.prisma since
// the last commit: `npm run db:new-migration -- add_widget`. Review the SQL, then commit.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DatabaseProvider } from "../app/config/database-url";
import { migrationsDir } from "../app/db/migrations.server";
import { schemaSqlBetween } from "../dev/db/schema-sql.server";
import { postgresSchemaFrom } from "./prisma-profiles";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const previous = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { cwd: root, encoding: "utf8" });
const tmp = mkdtempSync(path.join(os.tmpdir(), "schema-prev-"));
const previousFor: Record<DatabaseProvider, string> = {
  sqlite: path.join(tmp, "sqlite.prisma"),
  postgresql: path.join(tmp, "postgresql.prisma"),
};
writeFileSync(previousFor.sqlite, previous);
writeFileSync(previousFor.postgresql, postgresSchemaFrom(previous));

// The PostgreSQL profile must reflect the edited canonical schema before it is diffed.
const profile = path.join(root, "prisma/postgresql/schema.prisma");
writeFileSync(profile, postgresSchemaFrom(readFileSync(path.join(root, "prisma/schema.prisma"), "utf8")));

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const provider of ["sqlite", "postgresql"] as const) {
  const sql = schemaSqlBetween(provider, previousFor[provider]);
  const dir = path.join(migrationsDir(provider), `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
}
