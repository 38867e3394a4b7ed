import { describe, expect, it } from "vitest";
import { createDb } from "../../app/db.server";
import { driverTransaction, sqlOn } from "../../app/db/driver.server";
import { Prisma } from "../../app/generated/sqlite/client";

const one = Prisma.sql`SELECT 1 AS "one"`;

describe("raw statements on the client's own driver (db/driver)", () => {
  it("GIVEN a client disconnected WHEN statements run on its driver again THEN it connects again, as Prisma's own queries do", async () => {
    const db = createDb();
    try {
      expect(await sqlOn(db).query(one)).toHaveLength(1);
      await db.$disconnect();
      expect(await sqlOn(db).query(one)).toHaveLength(1);
      await db.$disconnect();
      expect(await driverTransaction(db, (sql) => sql.query(one))).toHaveLength(1);
    } finally {
      await db.$disconnect();
    }
  });
});
