import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { storedDefinition } from "../../app/segments/definition";
import { CustomerEvaluation, isEligible } from "../../app/segments/evaluate.server";
import { computeSegmentsStep, startSegmentComputation } from "../../app/sync/segments.server";
import { shopWithSeededShoppers } from "../support/segment-shoppers";

describe("the sync's segment pass", () => {
  it("computes every segment, those naming a city in memory among them, as the per-customer evaluator decides, with progress and no flow to start", async () => {
    // GIVEN seeded shoppers, built-in and merchant segments (two name a city), no memberships yet
    const { shop, shopId, customers, segments } = await shopWithSeededShoppers("sync-pass");
    await db.segmentMembership.deleteMany({ where: { shopId } });
    await db.segment.updateMany({ where: { shopId }, data: { memberCount: 0 } });
    const now = shop.clock.now();
    const run = { id: "run-segment-pass", shopId, segmentsStartedAt: now };

    // WHEN the pass runs to its end
    await startSegmentComputation(db, shopId, now);
    expect(await computeSegmentsStep({ db, run, now, budgetMs: 60_000 })).toBe(true);

    // THEN the evaluator's memberships, every segment complete with its count and progress
    const expected = new Set<string>();
    for (const customerId of customers) {
      const evaluation = (await CustomerEvaluation.load(db, customerId, now))!;
      for (const s of segments)
        if (await evaluation.matches(storedDefinition(s))) expected.add(`${customerId} ${s.id}`);
    }
    const members = await db.segmentMembership.findMany({ where: { shopId } });
    expect(new Set(members.map((m) => `${m.customerId} ${m.segmentId}`))).toEqual(expected);
    const eligible = (await db.customer.findMany({ where: { shopId } })).filter(isEligible).length;
    for (const s of await db.segment.findMany({ where: { shopId } })) {
      expect(s.backfillCompletedAt, s.key).toEqual(now);
      expect(s.backfillEvaluated, s.key).toBe(eligible);
      expect(s.memberCount, s.key).toBe(members.filter((m) => m.segmentId === s.id).length);
    }
    // AND every change recorded as the sync's, already handled: no flow starts from old history
    const events = await db.segmentMembershipEvent.findMany({ where: { shopId, causeRef: run.id } });
    expect(events).toHaveLength(expected.size);
    expect(events.every((e) => e.cause === "sync" && e.flowsHandledAt !== null)).toBe(true);
  }, 120_000);
});
