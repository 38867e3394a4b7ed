import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { storedDefinition } from "../../app/segments/definition";
import { segmentPredicate } from "../../app/segments/predicate.server";
import { refreshSegmentsInRange } from "../../app/segments/range-refresh.server";
import { builtInSegments } from "../../app/segments/builtins.server";
import { evaluatorVerdicts, shopWithSeededShoppers, sortedChanges } from "../support/segment-shoppers";

describe("a segment pass over a shop's customers inside the database (the day-one sync's)", () => {
  it("gives the memberships, events and counts the per-customer evaluator decides: from none (a first sync), then over stale ones (a re-sync)", async () => {
    // GIVEN every built-in segment and merchant segments reaching every condition type, seeded shoppers,
    // and no memberships yet (a first sync: the shop's history was written, no segment computed)
    const { shop, shopId, customers, segments, other } = await shopWithSeededShoppers("range");
    await db.segmentMembership.deleteMany({ where: { shopId } });
    await db.segment.updateMany({ where: { shopId }, data: { memberCount: 0 } });
    // Only a city is evaluated in memory; everything else is one SQL condition.
    expect(segments.filter((s) => !segmentPredicate(storedDefinition(s), new Date())).map((s) => s.key)).toEqual(
      expect.arrayContaining(["evry-any-case", "oakland-not-repeat"]),
    );
    expect(segments.filter((s) => !segmentPredicate(storedDefinition(s), new Date()))).toHaveLength(2);
    const ids = [...customers].sort();
    const middle = ids[Math.floor(ids.length / 2)]!;
    const segmentIds = segments.map((s) => s.id);

    const covered = new Set<string>();
    for (const step of [0, 20 * MINUTE, 2 * HOUR, 6 * DAY, 25 * DAY, 70 * DAY]) {
      shop.clock.advance(step);
      const at = shop.clock.now();
      const { expected, shouldBe, reached } = await evaluatorVerdicts({ shopId, customers, segments, at });
      for (const key of reached) covered.add(key);

      // WHEN the pass runs over the shop in two ranges of customers, as the sync's chunks do
      const cause = { cause: "sync" as const, ref: `run-${step}` };
      for (const range of [
        { after: null, through: middle },
        { after: middle, through: null },
      ])
        await refreshSegmentsInRange({ db, shopId, segmentIds, range, now: at, cause });

      // THEN exactly the evaluator's changes, recorded as the sync's and already handled (no flow starts)
      const events = await db.segmentMembershipEvent.findMany({ where: { shopId, causeRef: cause.ref } });
      expect(sortedChanges(events)).toEqual(sortedChanges(expected));
      for (const e of events) {
        expect(e).toMatchObject({ cause: "sync", at, flowsHandledAt: at });
        expect(e.id).toMatch(/^s[0-9a-f]{32}$|^c/);
      }
      const after = await db.segmentMembership.findMany({ where: { shopId } });
      expect(new Set(after.map((m) => `${m.customerId} ${m.segmentId}`))).toEqual(shouldBe);
      const entered = new Set(
        expected.filter((c) => c.change === "ENTERED").map((c) => `${c.customerId} ${c.segmentId}`),
      );
      for (const m of after.filter((m) => entered.has(`${m.customerId} ${m.segmentId}`)))
        expect(m.enteredAt).toEqual(at);
      for (const s of await db.segment.findMany({ where: { shopId } }))
        expect(s.memberCount, s.key).toBe(after.filter((m) => m.segmentId === s.id).length);

      // AND a second pass at the same instant changes nothing
      await refreshSegmentsInRange({
        db,
        shopId,
        segmentIds,
        range: { after: null, through: null },
        now: at,
        cause: { cause: "sync", ref: `again-${step}` },
      });
      expect(await db.segmentMembershipEvent.count({ where: { shopId, causeRef: `again-${step}` } })).toBe(0);
    }
    // The seeded shoppers reached every built-in segment, so the comparison covers each of them.
    const thresholds = {
      abandonedAfterMinutes: 60,
      newCustomerDays: 30,
      activeWithinDays: 90,
      lapsedAfterDays: 90,
      clickedWithinDays: 30,
    };
    expect([...covered]).toEqual(expect.arrayContaining(builtInSegments(thresholds).map((s) => s.key)));
    expect(await db.segmentMembership.count({ where: { customerId: other.id } })).toBe(0);
  }, 180_000);
});
