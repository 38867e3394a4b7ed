import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { archiveSegment, createSegment, SegmentInput, updateSegment } from "../../app/segments/manage.server";
import { startSegmentBackfill } from "../../app/segments/backfill.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

async function shopWithCustomers(label: string) {
  const shop = new TestShop(uniqueShop(label));
  const now = shop.clock.now();
  const people = [
    customerPayload({ updatedAt: now, province: "CA" }),
    customerPayload({ updatedAt: now, province: "CA" }),
    customerPayload({ updatedAt: now, province: "NY", city: "New York" }),
    customerPayload({ updatedAt: now, province: "NY", city: "New York" }),
    customerPayload({ updatedAt: now, province: "CA" }),
  ];
  for (const c of people) await shop.deliver("customers/create", c);
  // Two Californians and one New Yorker have ordered.
  for (const c of [people[0]!, people[1]!, people[2]!])
    await shop.deliver("orders/create", orderPayload({ customer: c, at: now }));
  const { id: shopId } = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
  return { shop, shopId, people, queue: shop.deps.queue };
}

const buyersIn = (province: string) =>
  SegmentInput.parse({
    name: `Buyers in ${province}`,
    definition: {
      and: [
        { type: "location", country: "US", province },
        { type: "orders_count", op: "gte", value: 1 },
      ],
    },
  });

/** A backfill restarted a moment after the segment's own, in batches of two customers. */
const backfillInPairs = (shop: TestShop, segmentId: string) =>
  startSegmentBackfill({
    db,
    queue: shop.deps.queue,
    segmentId,
    now: new Date(shop.clock.now().getTime() + 1),
    batchSize: 2,
  });

describe("a merchant segment is evaluated over the customers who already exist", () => {
  it("backfills in batches with progress, records why members entered, re-evaluates on edit, empties on archive", async () => {
    const { shop, shopId, people, queue } = await shopWithCustomers("backfill");
    const segment = await createSegment({ db, queue, shopId, input: buyersIn("CA"), now: shop.clock.now() });
    // Batches of 2 over 5 customers: three chained jobs.
    await backfillInPairs(shop, segment.id);
    await shop.work();

    const members = async () => (await shop.memberships())[segment.key];
    expect(await members()).toEqual([people[0]!.id, people[1]!.id].map(String).sort());
    const progress = await db.segment.findUniqueOrThrow({ where: { id: segment.id } });
    expect(progress).toMatchObject({ memberCount: 2, backfillTotal: 5, backfillEvaluated: 5 });
    expect(progress.backfillCompletedAt).not.toBeNull();
    const events = await db.segmentMembershipEvent.findMany({ where: { segmentId: segment.id } });
    expect(events.map((e) => [e.change, e.cause, e.causeRef])).toEqual([
      ["ENTERED", "definition", segment.id],
      ["ENTERED", "definition", segment.id],
    ]);

    // From now on events keep it current: a Californian's first order brings them in.
    await shop.deliver("orders/create", orderPayload({ customer: people[4]!, at: shop.clock.now() }));
    expect(await members()).toHaveLength(3);

    await updateSegment({
      db,
      queue,
      shopId,
      segmentId: segment.id,
      input: buyersIn("NY"),
      now: new Date(shop.clock.now().getTime() + 1),
    });
    await shop.work();
    expect(await members()).toEqual([String(people[2]!.id)]);
    expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).memberCount).toBe(1);

    await archiveSegment({ db, shopId, segmentId: segment.id, now: shop.clock.now() });
    expect(await members()).toEqual([]);
    // An archived segment is no longer evaluated.
    await shop.deliver("orders/create", orderPayload({ customer: people[3]!, at: shop.clock.now() }));
    expect(await members()).toEqual([]);
  });

  it("a superseded backfill stops, and running a batch twice changes nothing", async () => {
    const { shop, shopId, queue } = await shopWithCustomers("backfill-restart");
    const segment = await createSegment({ db, queue, shopId, input: buyersIn("CA"), now: shop.clock.now() });
    // Edited before the first backfill ran: only the newest definition's chain does work.
    await updateSegment({
      db,
      queue,
      shopId,
      segmentId: segment.id,
      input: buyersIn("NY"),
      now: new Date(shop.clock.now().getTime() + 1000),
    });
    await shop.work();
    const after = await shop.memberships();
    expect(after[segment.key]).toHaveLength(1);
    const eventsBefore = await db.segmentMembershipEvent.count({ where: { segmentId: segment.id } });

    // Replaying the whole backfill (as after a crash that lost its progress) is a no-op.
    await startSegmentBackfill({ db, queue, segmentId: segment.id, now: new Date(shop.clock.now().getTime() + 2000) });
    await shop.work();
    expect(await shop.memberships()).toEqual(after);
    expect(await db.segmentMembershipEvent.count({ where: { segmentId: segment.id } })).toBe(eventsBefore);
  });

  it("backfills a city segment (evaluated in memory) and a relational one (in the database) alike", async () => {
    const { shop, shopId, people, queue } = await shopWithCustomers("backfill-paths");
    const define = (name: string, definition: unknown) =>
      createSegment({ db, queue, shopId, input: SegmentInput.parse({ name, definition }), now: shop.clock.now() });
    // "NEW YORK" in any case is the evaluator's Unicode folding, which SQL cannot say: the in-memory path.
    const city = await define("New Yorkers", { type: "location", city: "NEW YORK" });
    const buyersOutsideCity = await define("Buyers outside New York", {
      and: [{ type: "purchased", productId: "632910392" }, { not: { type: "location", city: "new york" } }],
    });
    const buyers = await define("Bought the iPod", { type: "purchased", productId: "632910392" });
    for (const segment of [city, buyersOutsideCity, buyers]) await backfillInPairs(shop, segment.id);
    await shop.work();
    const members = await shop.memberships();
    expect(members[city.key]).toEqual([people[2]!.id, people[3]!.id].map(String).sort());
    expect(members[buyersOutsideCity.key]).toEqual([people[0]!.id, people[1]!.id].map(String).sort());
    expect(members[buyers.key]).toEqual([people[0]!.id, people[1]!.id, people[2]!.id].map(String).sort());
    for (const segment of [city, buyersOutsideCity, buyers]) {
      const row = await db.segment.findUniqueOrThrow({ where: { id: segment.id } });
      expect(row).toMatchObject({ memberCount: members[segment.key]!.length, backfillEvaluated: 5 });
      expect(row.backfillCompletedAt).not.toBeNull();
      // A definition's members start no flow: their events are handled as they are written.
      const unhandled = await db.segmentMembershipEvent.count({
        where: { segmentId: segment.id, flowsHandledAt: null },
      });
      expect(unhandled).toBe(0);
    }
  });

  it("rejects a definition the engine cannot evaluate, with the reason", () => {
    const result = SegmentInput.safeParse({
      name: "Odd",
      definition: { and: [{ type: "orders_count", op: "about", value: 2 }] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.length).toBeGreaterThan(0);
    // Other shops' segments are not editable from this one.
    return expect(
      archiveSegment({ db, shopId: "another-shop", segmentId: "no-such-segment", now: new Date() }),
    ).rejects.toThrow(/not a live custom segment/);
  });
});
