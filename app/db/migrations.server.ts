import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { schemaPathFor, type DatabaseTarget } from "../config/database-url";
import { newId, openSqlDriver, sha256, type SqlDriver } from "./sql-driver.server";

export interface Migration {
  name: string;
  sql: string;
}

export function migrationsDir(provider: DatabaseTarget["provider"]): string {
  return path.join(path.dirname(schemaPathFor(provider)), "migrations");
}

export function listMigrations(provider: DatabaseTarget["provider"]): Migration[] {
  const dir = migrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

// Same table and columns as Prisma Migrate, so `prisma migrate status` reads our history.
const HISTORY_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
} as const;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies committed migrations that are not yet recorded, each in its own transaction.
 * Refuses to continue if an applied migration's file was edited afterwards.
 * On PostgreSQL an advisory lock serialises concurrent starts of several processes.
 */
export async function migrate(
  target: DatabaseTarget,
  migrations = listMigrations(target.provider),
): Promise<MigrateResult> {
  const sql = await openSqlDriver(target);
  try {
    if (sql.provider === "postgresql") await sql.exec("SELECT pg_advisory_lock(727274)");
    await sql.exec(HISTORY_TABLE[sql.provider]);
    const done = new Map(
      (
        await sql.query<{ migration_name: string; checksum: string }>(
          `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
      ).map((r) => [r.migration_name, r.checksum]),
    );
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const checksum = sha256(m.sql);
      const recorded = done.get(m.name);
      if (recorded) {
        if (recorded !== checksum) {
          throw new Error(`Migration ${m.name} was modified after it was applied; add a new migration instead.`);
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      await applyOne(sql, m, checksum);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    if (sql.provider === "postgresql") await sql.exec("SELECT pg_advisory_unlock(727274)").catch(() => {});
    await sql.close();
  }
}

async function applyOne(sql: SqlDriver, m: Migration, checksum: string) {
  const now = new Date().toISOString();
  await sql.transaction(async () => {
    await sql.exec(m.sql);
    await sql.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES (${placeholders(sql, 6)})`,
      [newId(), checksum, m.name, now, new Date().toISOString(), 1],
    );
  });
}

const placeholders = (sql: SqlDriver, n: number) =>
  Array.from({ length: n }, (_, i) => (sql.provider === "postgresql" ? `$${i + 1}` : "?")).join(", ");
