import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { refreshSegmentsFor } from "../../app/segments/refresh.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";

const START = new Date("2026-06-01T12:00:00Z");

describe("segment refreshes of one shop at once (segments/refresh)", () => {
  it("GIVEN two refreshes moving the same customers into the same segments, in opposite orders WHEN they run at once THEN both finish and each entry is recorded once", async () => {
    const shop = new TestShop(uniqueShop("concurrent-refresh"), START);
    const { id: shopId } = await shop.install();
    for (let i = 0; i < 24; i++)
      await shop.deliver(
        "customers/create",
        customerPayload({ id: 1101 + i, updatedAt: START, phone: `+14155553${String(i).padStart(3, "0")}` }),
      );
    const customers = (await db.customer.findMany({ where: { shopId }, select: { id: true } })).map((c) => c.id);
    // Every customer's first order, as the order writers leave it.
    await db.customer.updateMany({
      where: { shopId },
      data: { ordersCount: 1, totalSpent: 50, firstOrderAt: START, lastOrderAt: START },
    });
    const refresh = (customerIds: string[]) =>
      refreshSegmentsFor({ db, shopId, customerIds, now: START, cause: { cause: "webhook" } });
    const results = await Promise.allSettled([refresh(customers), refresh([...customers].reverse())]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);
    const entered = await db.segmentMembershipEvent.groupBy({
      by: ["segmentId", "customerId"],
      where: { shopId, change: "ENTERED", cause: "webhook" },
      _count: true,
    });
    expect(entered.length).toBeGreaterThan(0);
    expect(entered.every((e) => e._count === 1)).toBe(true);
    const segments = await db.segment.findMany({
      where: { shopId },
      select: { memberCount: true, _count: { select: { memberships: true } } },
    });
    expect(segments.map((s) => s.memberCount)).toEqual(segments.map((s) => s._count.memberships));
  });
});
