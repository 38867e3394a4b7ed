import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { storedDefinition, type SegmentNode } from "../../app/segments/definition";
import { CustomerEvaluation } from "../../app/segments/evaluate.server";
import type { MembershipChange } from "../../app/segments/membership.server";
import { TestShop, uniqueShop } from "./app";
import { checkoutPayload, customerPayload, orderPayload, productPayload } from "./fixtures";

/** Merchant segments that reach every condition type and the AND / OR / NOT paths, beside the built-ins. */
export const COMPOSED: Record<string, SegmentNode> = {
  "oakland-not-repeat": {
    and: [{ type: "location", country: "us", city: "oakland" }, { not: { type: "orders_count", op: "gte", value: 2 } }],
  },
  "evry-any-case": { type: "location", city: "évry" },
  "winter-or-cult-apple": {
    or: [
      { type: "purchased", collectionId: "555" },
      { type: "purchased", vendor: "Apple", productType: "Cult Products" },
    ],
  },
  "variant-or-product-in-empty-collection": {
    or: [
      { type: "purchased", variantId: "7701" },
      { type: "purchased", productId: "77", collectionId: "999" },
    ],
  },
  "product-outside-its-collection-or-inside": {
    or: [
      { type: "purchased", productId: "78", collectionId: "555" },
      { type: "purchased", productId: "77", collectionId: "555", vendor: "Apple" },
    ],
  },
  "abandoned-30-subscribed": { and: [{ type: "abandoned_checkout", minutes: 30 }, { type: "sms_subscribed" }] },
  "not-big-or-watching": {
    not: {
      or: [
        { type: "total_spent", op: "gt", value: 300 },
        { type: "restock_watcher", variantId: "7702" },
      ],
    },
  },
  "lapsed-20-clicked-or-replied": {
    and: [
      { type: "lapsed", days: 20 },
      {
        or: [
          { type: "clicked_within", days: 10 },
          { type: "replied_within", days: 7 },
        ],
      },
    ],
  },
  "california-not-new-york": {
    and: [{ type: "location", country: "us", province: "ca" }, { not: { type: "location", province: "NY" } }],
  },
  "under-100-or-exactly-49": {
    or: [
      { type: "total_spent", op: "lt", value: 100 },
      { type: "total_spent", op: "eq", value: 49 },
    ],
  },
  "not-never-clicked-nor-no-orders": {
    not: { or: [{ type: "never_clicked" }, { type: "orders_count", op: "lte", value: 0 }] },
  },
  "new-or-active-7": {
    or: [
      { type: "new_customer", days: 7 },
      { type: "active", days: 7 },
    ],
  },
};

/**
 * A shop with the built-in segments and COMPOSED, 30 seeded shoppers (a deterministic spread of
 * consent, places, orders, cancellations, checkouts, restock watches, clicks, replies and
 * deletions, delivered as webhooks), and one customer of another shop.
 */
export async function shopWithSeededShoppers(label: string) {
  const shop = new TestShop(uniqueShop(label));
  const { id: shopId } = await ensureShop(db, shop.domain);
  const now = () => shop.clock.now();
  await shop.deliver(
    "products/create",
    productPayload({
      id: 77,
      variantId: 7701,
      inventoryItemId: 9701,
      quantity: 5,
      updatedAt: now(),
      productType: "Cult Products",
      vendor: "Apple",
    }),
  );
  await shop.deliver(
    "products/create",
    productPayload({ id: 78, variantId: 7702, inventoryItemId: 9702, quantity: 0, updatedAt: now() }),
  );
  // Product 77 is in collection 555 (the Admin API's answer, as the collections job stores it).
  const p77 = await db.product.findFirstOrThrow({ where: { shopId, shopifyId: "77" } });
  await db.productCollection.create({ data: { shopId, productId: p77.id, collectionShopifyId: "555" } });
  for (const [key, definition] of Object.entries(COMPOSED))
    await db.segment.create({ data: { shopId, key, name: key, kind: "CUSTOM", definition: definition as object } });

  // Seeded shoppers: a deterministic spread of consent, places, orders, checkouts and watches.
  let seed = 7;
  const random = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 8) % n;
  const cities = ["Oakland", "OAKLAND", "Évry", "ÉVRY", "Fresno", undefined];
  const states = ["subscribed", "subscribed", "unsubscribed", "not_subscribed", "pending"] as const;
  for (let i = 0; i < 30; i++) {
    shop.clock.advance(random(12) * HOUR + random(60) * MINUTE);
    const customer = customerPayload({
      id: 6000 + i,
      updatedAt: now(),
      smsState: states[random(states.length)],
      phone: random(6) === 0 ? null : `+1415555${String(1000 + i)}`,
      city: cities[random(cities.length)],
      province: random(2) ? "CA" : "NY",
    });
    await shop.deliver("customers/create", customer);
    for (let k = random(4); k > 0; k--) {
      const at = new Date(now().getTime() - random(40) * DAY);
      const line = [
        { product_id: 77, variant_id: 7701, title: "Nano", price: "199.00" },
        { product_id: 78, variant_id: 7702, title: "Shuffle", price: "49.00" },
        { product_id: 79, variant_id: 7901, title: "Other", vendor: "Acme", price: "20.00" },
      ][random(3)]!;
      const cancelled = random(5) === 0;
      await shop.deliver(
        "orders/create",
        orderPayload({
          id: 800000 + i * 10 + k,
          customer,
          at,
          lines: [line],
          ...(cancelled ? { cancelledAt: now(), updatedAt: now() } : {}),
        }),
      );
    }
    const checkout = random(4);
    if (checkout > 0)
      await shop.deliver(
        "checkouts/create",
        checkoutPayload({
          customer,
          updatedAt: new Date(now().getTime() - random(90) * MINUTE),
          ...(checkout === 1 ? { variantId: 7702 } : {}), // sold out: a restock watch
          ...(checkout === 2 && random(2) ? { completedAt: now() } : {}),
        }),
      );
    if (random(4) === 0) {
      // Clicks and replies arrive through their own routes; their effect on the row is what matters here.
      const row = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
      await db.customer.update({
        where: { id: row.id },
        data: { lastClickAt: new Date(now().getTime() - random(15) * DAY), lastInboundAt: now() },
      });
    }
    if (i % 11 === 10) await shop.deliver("customers/delete", { id: customer.id });
  }
  const customers = (await db.customer.findMany({ where: { shopId }, select: { id: true } })).map((c) => c.id);
  const segments = await db.segment.findMany({ where: { shopId, archivedAt: null } });
  const other = await db.customer.create({
    data: { shopId: (await ensureShop(db, uniqueShop(`${label}-other`))).id, shopifyId: "1" },
  });
  return { shop, shopId, customers, segments, other };
}

/** Membership changes in one comparable order. */
export const sortedChanges = (changes: MembershipChange[]) =>
  changes.map((c) => `${c.customerId} ${c.segmentId} ${c.change}`).sort((a, b) => (a < b ? -1 : 1));

/**
 * What the per-customer evaluator decides at `at` for these customers and segments, against the
 * memberships stored now: the expected diff, the memberships there should be, and the segments
 * someone should be in (so a test can show its data reached them). The set-based refreshes are
 * held to exactly this.
 */
export async function evaluatorVerdicts(v: {
  shopId: string;
  customers: Iterable<string>;
  segments: { id: string; key: string; definition: unknown }[];
  at: Date;
}) {
  const members = new Set(
    (await db.segmentMembership.findMany({ where: { shopId: v.shopId } })).map((m) => `${m.customerId} ${m.segmentId}`),
  );
  const expected: MembershipChange[] = [];
  const shouldBe = new Set<string>();
  const reached = new Set<string>();
  for (const customerId of v.customers) {
    const evaluation = (await CustomerEvaluation.load(db, customerId, v.at))!;
    for (const s of v.segments) {
      const should = await evaluation.matches(storedDefinition(s));
      if (should) shouldBe.add(`${customerId} ${s.id}`);
      if (should !== members.has(`${customerId} ${s.id}`))
        expected.push({ segmentId: s.id, customerId, change: should ? "ENTERED" : "LEFT" });
      if (should) reached.add(s.key);
    }
  }
  return { expected, shouldBe, reached };
}
