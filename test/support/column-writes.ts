import { inject } from "vitest";
import db from "../../app/db.server";

/**
 * Runs `run` and returns the ids of the shop's customers whose row an UPDATE wrote with `column`
 * in its SET (changed or not: `UPDATE OF` fires on the column list, on both databases, as
 * SQLite's index writes follow it). Limited to the shop, so the tests running beside it on the
 * same database are not touched.
 */
export async function customerColumnWrites(o: {
  shopId: string;
  column: string;
  run: () => Promise<unknown>;
}): Promise<string[]> {
  const provider = inject("databaseProvider");
  const log = `${o.column}_writes_${o.shopId.replace(/\W/g, "")}`.toLowerCase();
  await db.$executeRawUnsafe(`CREATE TABLE "${log}" ("customerId" TEXT NOT NULL)`);
  if (provider === "sqlite") {
    await db.$executeRawUnsafe(`CREATE TRIGGER "${log}" AFTER UPDATE OF "${o.column}" ON "Customer"
      WHEN NEW."shopId" = '${o.shopId}' BEGIN INSERT INTO "${log}" VALUES (NEW."id"); END`);
  } else {
    await db.$executeRawUnsafe(`CREATE FUNCTION "${log}"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO "${log}" VALUES (NEW."id"); RETURN NULL; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER "${log}" AFTER UPDATE OF "${o.column}" ON "Customer" FOR EACH ROW
      WHEN (NEW."shopId" = '${o.shopId}') EXECUTE FUNCTION "${log}"()`);
  }
  try {
    await o.run();
    const rows = await db.$queryRawUnsafe<{ customerId: string }[]>(`SELECT "customerId" FROM "${log}"`);
    return rows.map((r) => r.customerId);
  } finally {
    await db.$executeRawUnsafe(`DROP TRIGGER "${log}"${provider === "postgresql" ? ` ON "Customer"` : ""}`);
    if (provider === "postgresql") await db.$executeRawUnsafe(`DROP FUNCTION "${log}"()`);
    await db.$executeRawUnsafe(`DROP TABLE "${log}"`);
  }
}
