import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { builtInSegments } from "../../app/segments/builtins.server";
import { uniqueShop } from "../support/app";

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
