import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { refreshSegmentsFor } from "../../app/segments/refresh.server";
import { evaluatorVerdicts, shopWithSeededShoppers, sortedChanges } from "../support/segment-shoppers";

describe("set-based segment refresh", () => {
  it("gives the memberships and events the per-customer evaluator decides, for seeded shoppers over time", async () => {
    const { shop, shopId, customers, segments, other } = await shopWithSeededShoppers("setbased");
    const now = () => shop.clock.now();
    // At each instant (memberships left stale by time, no sweep in between): the per-customer
    // evaluator's verdicts define the expected diff; the set-based refresh must write exactly it.
    const covered = new Set<string>();
    for (const step of [0, 20 * MINUTE, 2 * HOUR, 6 * DAY, 25 * DAY, 70 * DAY]) {
      shop.clock.advance(step);
      const at = now();
      const { expected, shouldBe, reached } = await evaluatorVerdicts({ shopId, customers, segments, at });
      for (const key of reached) covered.add(key);
      const ref = `property-${step}`;
      const changes = await refreshSegmentsFor({
        db,
        shopId,
        customerIds: [...customers, "no-such-customer", other.id],
        now: at,
        cause: { cause: "time", ref },
      });
      expect(sortedChanges(changes)).toEqual(sortedChanges(expected));
      const events = await db.segmentMembershipEvent.findMany({ where: { shopId, causeRef: ref } });
      expect(sortedChanges(events.map((e) => ({ ...e, change: e.change })))).toEqual(sortedChanges(expected));
      expect(events.every((e) => e.at.getTime() === at.getTime() && e.cause === "time")).toBe(true);
      const after = await db.segmentMembership.findMany({ where: { shopId } });
      expect(new Set(after.map((m) => `${m.customerId} ${m.segmentId}`))).toEqual(shouldBe);
      for (const s of await db.segment.findMany({ where: { shopId } }))
        expect(s.memberCount, s.key).toBe(after.filter((m) => m.segmentId === s.id).length);
      // Nothing left to change: a second refresh at the same instant is a no-op.
      expect(
        await refreshSegmentsFor({ db, shopId, customerIds: customers, now: at, cause: { cause: "time" } }),
      ).toEqual([]);
    }
    // The seeded data reached (almost) every segment, so the comparison says something.
    expect([...covered].sort()).toEqual(
      expect.arrayContaining([
        "abandoned-30-subscribed",
        "abandoned-checkout",
        "evry-any-case",
        "lapsed-20-clicked-or-replied",
        "new-or-active-7",
        "not-big-or-watching",
        "oakland-not-repeat",
        "opted-out",
        "repeat-buyers",
        "restock-watchers",
        "sms-subscribers",
        "variant-or-product-in-empty-collection",
        "winter-or-cult-apple",
      ]),
    );
    expect(await db.segmentMembership.count({ where: { customerId: other.id } })).toBe(0);
  }, 180_000);
});
