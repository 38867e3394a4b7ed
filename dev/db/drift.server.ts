import type { DatabaseProvider } from "../../app/config/database-url";
import { migrate } from "../../app/db/migrations.server";
import { describeCatalog, diffCatalogs } from "./schema-catalog.server";
import { schemaSqlFromEmpty } from "./schema-sql.server";
import { openSqlDriver, type SqlDriver } from "../../app/db/sql-driver.server";
import { createScratchDatabase } from "./test-databases.server";

/**
 * Applies the committed migrations to one scratch database and schema.prisma (from empty)
 * to another, and returns how their catalogs differ (empty = no drift). `afterMigrate` lets
 * a test alter the migrated database to prove a difference is seen.
 */
export async function migrationDrift(
  provider: DatabaseProvider,
  afterMigrate?: (migrated: SqlDriver) => Promise<void>,
): Promise<{ differences: string[]; catalogEntries: number }> {
  const migrated = await createScratchDatabase(provider, "drift_m");
  const direct = await createScratchDatabase(provider, "drift_s");
  try {
    await migrate(migrated.target);
    const directSql = await openSqlDriver(direct.target);
    await directSql.exec(schemaSqlFromEmpty(provider));
    const expected = await describeCatalog(directSql);
    await directSql.close();
    const migratedSql = await openSqlDriver(migrated.target);
    await afterMigrate?.(migratedSql);
    const actual = await describeCatalog(migratedSql);
    await migratedSql.close();
    return { differences: diffCatalogs(expected, actual), catalogEntries: expected.length };
  } finally {
    await migrated.drop();
    await direct.drop();
  }
}
