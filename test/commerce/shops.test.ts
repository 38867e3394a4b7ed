import { describe, expect, inject, it, vi } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { resolveDatabaseTarget } from "../../app/config/database-url";
import { openSqlDriver, type SqlDriver } from "../../app/db/sql-driver.server";
import { BUILT_IN_FLOWS } from "../../app/flows/builtins.server";
import { builtInSegments } from "../../app/segments/builtins.server";
import { uniqueShop } from "../support/app";

const provider = inject("databaseProvider");

describe("a shop seen for the first time", () => {
  it("by several workers at once: one shop, complete with every built-in segment and flow, and no error", async () => {
    const domain = uniqueShop("first-sight");
    const shops = await Promise.all(Array.from({ length: 6 }, () => ensureShop(db, domain)));
    expect(new Set(shops.map((s) => s.id)).size).toBe(1);
    const shopId = shops[0]!.id;
    // Whoever returned first already saw the finished shop (created in one transaction).
    expect(await db.segment.count({ where: { shopId, kind: "BUILT_IN" } })).toBe(
      builtInSegments(shops[0]!.settings).length,
    );
    expect(await db.flow.count({ where: { shopId, builtIn: true } })).toBeGreaterThan(0);
  });
});

// Prisma's interactive-transaction timer is the one timer faked here (db/transaction-options).
describe.runIf(provider === "postgresql")("a first install held up longer than Prisma's transaction timeout", () => {
  it("still creates the whole shop: none of its statements runs outside its transaction", async () => {
    const domain = uniqueShop("slow-install");
    // Another session holds the Flow table, so the install's transaction stops at its first flow.
    const blocker = await openSqlDriver(resolveDatabaseTarget());
    await blocker.exec('BEGIN; LOCK TABLE "Flow" IN SHARE MODE');
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const install = ensureShop(db, domain);
      while (!(await flowInsertWaiting(blocker)));
      await vi.advanceTimersByTimeAsync(10 * 60_000); // Prisma's default timeout is 5 s
      await blocker.exec("COMMIT");
      const shop = await install;
      expect(await db.segment.count({ where: { shopId: shop.id, kind: "BUILT_IN" } })).toBe(
        builtInSegments(shop.settings).length,
      );
      expect(await db.flow.count({ where: { shopId: shop.id, builtIn: true } })).toBe(BUILT_IN_FLOWS.length);
    } finally {
      vi.useRealTimers();
      await blocker.close();
    }
  });
});

const flowInsertWaiting = async (sql: SqlDriver) =>
  (await sql.query(`SELECT 1 FROM pg_locks WHERE relation = '"Flow"'::regclass AND NOT granted`)).length > 0;
