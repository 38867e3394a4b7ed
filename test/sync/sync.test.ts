import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import db from "../../app/db.server";
import { DAY, SECOND } from "../../app/clock";
import { startSync, latestSync } from "../../app/sync/run.server";
import { JsonlGrouper } from "../../app/sync/jsonl";
import type { TestShop } from "../support/app";
import {
  replayAsWebhooks,
  runSyncToEnd,
  shopWithHistory,
  snapshotOf,
  storeHistory,
  syncShop,
} from "../support/synced-store";
import type { AdminApiStandIn } from "../../dev/simulator/admin-api/server";

const NOW = new Date("2026-06-01T12:00:00Z");
// Long enough for repeat buyers, one-time buyers and subscribers (asserted non-empty below).
const history = storeHistory({ now: NOW, days: 12, actionsPerDay: 4, seed: 19 });
const snapshot = snapshotOf(history);
// The restart and live-webhook cases compare two syncs each: a shorter history keeps them quick.
const shortHistory = storeHistory({ now: NOW, days: 6, actionsPerDay: 4, seed: 23 });
const shortSnapshot = snapshotOf(shortHistory);

/**
 * segment key → sorted Shopify customer ids, for every segment of the shop. Guests who gave
 * a number at checkout are known only from webhooks (the Admin API's abandoned checkouts
 * carry no SMS consent), so the comparison is over Shopify customers.
 */
const membersOf = async (shop: TestShop) =>
  Object.fromEntries(
    Object.entries(await shop.memberships()).map(([k, ids]) => [k, ids.filter((id) => /^\d+$/.test(id))]),
  );

/** Shopify customer id → [orders, total spent, first, last order], for every Shopify customer of the shop. */
const orderFigures = async (shopId: string) =>
  (
    await db.customer.findMany({
      where: { shopId, NOT: { shopifyId: { startsWith: "local:" } } },
      orderBy: { shopifyId: "asc" },
    })
  ).map((c) => [
    c.shopifyId,
    c.ordersCount,
    Number(c.totalSpent),
    c.firstOrderAt?.toISOString() ?? null,
    c.lastOrderAt?.toISOString() ?? null,
  ]);

describe("the day-one sync of a store that already has history", () => {
  let synced: { shop: TestShop; shopId: string; standIn: AdminApiStandIn };
  let reference: { shop: TestShop; shopId: string };

  beforeAll(async () => {
    synced = await shopWithHistory("sync", { now: NOW, snapshot });
    // Every built-in flow on before the sync starts: the sync must still text no one.
    await db.flow.updateMany({ where: { shopId: synced.shopId }, data: { enabled: true } });
    await syncShop(synced.shop, synced.shopId);
    reference = await replayAsWebhooks("sync-reference", history, NOW);
  }, 300_000);
  afterAll(() => synced.standIn.close());

  it("ends COMPLETED with every resource fetched by its own bulk query, one at a time", async () => {
    const run = await latestSync(db, synced.shopId);
    expect(run).toMatchObject({ status: "COMPLETED", error: null });
    const bulkQueries = synced.standIn.requests.filter((r) => r.query.includes("bulkOperationRunQuery"));
    expect(bulkQueries.map((r) => /^\s*\{\s*(\w+)/.exec(String(r.variables.query))?.[1])).toEqual([
      "products",
      "inventoryItems",
      "customers",
      "orders",
      "abandonedCheckouts",
    ]);
  });

  it("fills every built-in segment with the members a live replay of the same history gives", async () => {
    const members = await membersOf(synced.shop);
    expect(members).toEqual(await membersOf(reference.shop));
    for (const key of ["sms-subscribers", "repeat-buyers", "one-time-buyers"])
      expect(members[key]?.length, key).toBeGreaterThan(0);
    const builtIn = await db.segment.findMany({ where: { shopId: synced.shopId, kind: "BUILT_IN" } });
    expect(builtIn.every((s) => s.backfillCompletedAt)).toBe(true);
    expect(Object.keys(members).sort()).toEqual(builtIn.map((s) => s.key).sort());
  });

  it("mirrors customers, orders and products as the replay does", async () => {
    const count = async (shopId: string) => ({
      customers: await db.customer.count({ where: { shopId, NOT: { shopifyId: { startsWith: "local:" } } } }),
      orders: await db.order.count({ where: { shopId } }),
      lines: await db.orderLine.count({ where: { shopId } }),
      products: await db.product.count({ where: { shopId } }),
      variantsInStock: await db.variant.count({ where: { shopId, inventoryQuantity: { gt: 0 } } }),
      subscribed: await db.customer.count({
        where: { shopId, NOT: { shopifyId: { startsWith: "local:" } }, smsConsent: "SUBSCRIBED" },
      }),
    });
    expect(await count(synced.shopId)).toEqual(await count(reference.shopId));
    // The order figures, computed once after the sync's orders, as the webhooks' per-order refresh gives them.
    expect(await orderFigures(synced.shopId)).toEqual(await orderFigures(reference.shopId));
  });

  it("records the consent it found in the ledger with its source and Shopify's own time", async () => {
    const facts = await db.consentEvent.findMany({ where: { shopId: synced.shopId } });
    expect(facts.length).toBeGreaterThan(0);
    expect(new Set(facts.map((f) => f.source))).toEqual(new Set(["SHOPIFY_SYNC"]));
    expect(facts.every((f) => f.occurredAt < NOW)).toBe(true);
    expect(facts[0]!.evidence).toMatchObject({ topic: "sync/customers", collectedFrom: "SHOPIFY" });
  });

  it("starts no flow and sends no text, even with every flow on", async () => {
    expect(await db.flowRun.count({ where: { shopId: synced.shopId } })).toBe(0);
    expect(await db.message.count({ where: { shopId: synced.shopId } })).toBe(0);
    expect(await db.segmentMembershipEvent.count({ where: { shopId: synced.shopId, flowsHandledAt: null } })).toBe(0);
  });

  it("shows per-resource progress with Shopify's object counts", async () => {
    const run = await latestSync(db, synced.shopId);
    const progress = run!.progress as Record<string, { applied: number; objects: number; finishedAt?: string }>;
    expect(progress.customers).toMatchObject({ applied: snapshot.counts.customers });
    expect(progress.products).toMatchObject({ applied: snapshot.counts.products });
    expect(Object.values(progress).every((p) => p.finishedAt)).toBe(true);
  });
});

describe("a sync interrupted part-way", () => {
  it("resumes from its saved progress and ends in the same state as an uninterrupted one", async () => {
    let crashes = 0;
    const interrupted = await shopWithHistory("sync-crash", {
      now: NOW,
      snapshot: shortSnapshot,
      sync: {
        batchSize: 3,
        // The worker dies after writing a batch and before saving how far it got, twice.
        afterBatch: ({ resource, linesApplied }) => {
          if ((resource === "customers" || resource === "orders") && linesApplied > 6 && crashes < 2) {
            crashes++;
            throw new Error("worker killed");
          }
        },
      },
    });
    const clean = await shopWithHistory("sync-clean", { now: NOW, snapshot: shortSnapshot });
    try {
      await startSync(interrupted.shop.deps, interrupted.shopId, { reason: "install" });
      const run = await runSyncToEnd(interrupted.shop, interrupted.shopId, 2000);
      await syncShop(clean.shop, clean.shopId);
      expect(crashes).toBe(2);
      expect(run.status).toBe("COMPLETED");
      // The steps after a crash read the result file on from their saved byte offset.
      expect(interrupted.standIn.downloads.filter((d) => d.from > 0).length).toBeGreaterThanOrEqual(2);
      expect(await interrupted.shop.memberships()).toEqual(await clean.shop.memberships());
      const orders = async (shopId: string) =>
        (await db.order.findMany({ where: { shopId }, include: { lines: true }, orderBy: { shopifyId: "asc" } })).map(
          (o) => [o.shopifyId, o.lines.length, String(o.totalPrice)],
        );
      expect(await orders(interrupted.shopId)).toEqual(await orders(clean.shopId));
    } finally {
      await interrupted.standIn.close();
      await clean.standIn.close();
    }
  }, 300_000);
});

describe("webhooks that arrive while the sync runs", () => {
  it("are held, then applied in order after it: the same final state as after it, newer ones win, older ones do not", async () => {
    const live = await shopWithHistory("sync-live", { now: NOW, snapshot: shortSnapshot });
    const after = await shopWithHistory("sync-after", { now: NOW, snapshot: shortSnapshot });
    const someone = shortHistory.find(
      (e) => e.topic === "customers/create" && (e.payload as { phone?: string }).phone,
    )!;
    const customer = someone.payload as Record<string, unknown>;
    const newer = {
      ...customer,
      updated_at: new Date(NOW.getTime() - 1 * SECOND).toISOString(),
      sms_marketing_consent: {
        state: "unsubscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: new Date(NOW.getTime() - 1 * SECOND).toISOString(),
        consent_collected_from: "OTHER",
      },
      first_name: "Renamed",
    };
    // A new order for them, delivered while the sync writes its orders.
    const order = {
      ...(shortHistory.find((e) => e.topic === "orders/create")!.payload as Record<string, unknown>),
      id: 9_900_001,
      name: "#LIVE1",
      customer: { id: customer.id },
      total_price: "77.00",
      processed_at: new Date(NOW.getTime() - 2 * SECOND).toISOString(),
      created_at: new Date(NOW.getTime() - 2 * SECOND).toISOString(),
      updated_at: new Date(NOW.getTime() - 2 * SECOND).toISOString(),
      cancelled_at: null,
    };
    // A redelivery of something older than the snapshot: must change nothing.
    const older = { ...customer, updated_at: new Date(NOW.getTime() - 200 * DAY).toISOString(), first_name: "Stale" };
    try {
      await startSync(live.shop.deps, live.shopId, { reason: "install" });
      // Deliver while the customers resource is being synced.
      for (let i = 0; i < 400; i++) {
        await live.shop.work();
        if ((await latestSync(db, live.shopId))?.resource === "customers") break;
        live.shop.clock.advance(2 * SECOND);
      }
      // Same updated_at as `newer`: only the order of delivery decides, and the later one wins.
      const renamedAgain = { ...newer, first_name: "Renamed again" };
      await live.shop.send("customers/update", newer);
      await live.shop.send("customers/update", older);
      await live.shop.send("customers/update", renamedAgain);
      for (let i = 0; i < 400; i++) {
        if ((await latestSync(db, live.shopId))?.resource === "orders") break;
        await live.shop.work();
        live.shop.clock.advance(2 * SECOND);
      }
      await live.shop.send("orders/create", order);
      const run = await runSyncToEnd(live.shop, live.shopId);

      // Held while the sync ran, applied by its last step (not before it ended) in delivery order.
      const inbox = await db.webhookInbox.findMany({
        where: { shopDomain: live.shop.domain, topic: "customers/update" },
        orderBy: { processedAt: "asc" },
      });
      expect(inbox.map((r) => r.status)).toEqual(["PROCESSED", "PROCESSED", "PROCESSED"]);
      expect(inbox.every((r) => r.processedAt!.getTime() >= run.finishedAt!.getTime())).toBe(true);
      expect(
        await db.segmentMembershipEvent.count({
          where: { shopId: live.shopId, cause: "webhook", at: { lt: run.finishedAt! } },
        }),
      ).toBe(0);

      await syncShop(after.shop, after.shopId);
      await after.shop.deliver("customers/update", newer);
      await after.shop.deliver("customers/update", older);
      await after.shop.deliver("customers/update", renamedAgain);
      await after.shop.deliver("orders/create", order);
      await live.shop.work();

      const person = async (shopId: string) =>
        db.customer.findUniqueOrThrow({
          where: { shopId_shopifyId: { shopId, shopifyId: String(customer.id) } },
          select: { firstName: true, smsConsent: true },
        });
      expect(await person(live.shopId)).toEqual({ firstName: "Renamed again", smsConsent: "UNSUBSCRIBED" });
      expect(await person(after.shopId)).toEqual(await person(live.shopId));
      const figures = await orderFigures(live.shopId);
      expect(figures.find(([id]) => id === String(customer.id))).toMatchObject([
        String(customer.id),
        expect.any(Number),
        expect.any(Number),
        expect.any(String),
        order.processed_at,
      ]);
      expect(figures).toEqual(await orderFigures(after.shopId));
      expect(await live.shop.memberships()).toEqual(await after.shop.memberships());
    } finally {
      await live.standIn.close();
      await after.standIn.close();
    }
  }, 300_000);
});

describe("the bulk result format", () => {
  it("groups Shopify's published sample, whose last variant comes after other products, under the right product", () => {
    const grouper = new JsonlGrouper();
    const lines = readFileSync("test/fixtures/shopify/graphql/products-variants.jsonl", "utf8").trim().split("\n");
    const batches = [lines.slice(0, 10), lines.slice(10)].map((batch) => {
      for (const l of batch) grouper.add(JSON.parse(l) as never);
      return grouper.take();
    });
    expect(batches[0]!.map((g) => [g.node.id, g.children.length])).toHaveLength(5);
    // The late variant brings its product back with both variants, so the writer sees the whole product.
    expect(batches[1]!.map((g) => [g.node.id, g.children.map((c) => c.title)])).toEqual([
      ["gid://shopify/Product/1921569226808", ["70", "52"]],
    ]);
  });

  it("brings back a late child's parent while it is among the last roots remembered, and counts it an orphan after", () => {
    const grouper = new JsonlGrouper(3);
    const root = (n: number) => ({ id: `gid://shopify/Product/${n}` });
    const child = (n: number) => ({
      id: `gid://shopify/ProductVariant/${n}`,
      __parentId: `gid://shopify/Product/${n}`,
    });
    for (const n of [1, 2, 3, 2, 4]) grouper.add(root(n)); // a repeated root keeps its place among the remembered
    grouper.take();
    grouper.add(child(2));
    grouper.add(child(1)); // four roots back: forgotten
    for (const n of [5, 6]) grouper.add(root(n));
    grouper.add(child(3)); // 5 and 6 evicted 2 and 3; 4 is still remembered
    grouper.add(child(4));
    expect(grouper.take().map((g) => [g.node.id, g.children.length])).toEqual([
      ["gid://shopify/Product/2", 1],
      ["gid://shopify/Product/5", 0],
      ["gid://shopify/Product/6", 0],
      ["gid://shopify/Product/4", 1],
    ]);
    expect(grouper.orphans).toBe(2);
  });
});
