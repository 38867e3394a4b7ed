import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, SECOND } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { startAdminApiStandIn, type StoreLines } from "../../dev/simulator/admin-api/server";
import { httpAdminGraphql } from "../../app/shopify-admin/http-client.server";
import { TestShop, uniqueShop } from "../support/app";
import { checkoutPayload, customerPayload, orderPayload } from "../support/fixtures";
import { sampleWith } from "../support/shopify-fixtures";
import { syncShop } from "../support/synced-store";
import { numberHasher } from "../../app/contacts/number-hash.server";

// What the sync's batch writers do beyond mirroring rows: the cause their segment changes
// carry, and the time zone they leave on a customer an order has placed by its coordinates.

const NOW = new Date("2026-06-01T12:00:00Z");
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;

/** A test shop whose Admin API stand-in serves these customers (and nothing else). */
async function shopSyncing(
  label: string,
  customers: Record<string, unknown>[],
  checkouts: Record<string, unknown>[] = [],
) {
  const shop = new TestShop(uniqueShop(label), NOW);
  const store: StoreLines = {
    lines: (resource) => (resource === "customers" ? customers : resource === "checkouts" ? checkouts : []),
  };
  const standIn = await startAdminApiStandIn({ stores: { [shop.domain]: store } });
  Object.assign(shop.deps, {
    admin: httpAdminGraphql({ origin: standIn.origin, accessToken: "shpat_test_token", sleep: async () => {} }),
    sync: { pollMs: 2 * SECOND },
  });
  const { id: shopId } = await ensureShop(db, shop.domain);
  return { shop, shopId, standIn };
}

/** Shopify's checkouts/create sample with the SMS box ticked for `phone` by a guest (no customer). */
const guestCheckout = (phone: string) =>
  sampleWith("checkouts/create", {
    buyer_accepts_sms_marketing: true,
    sms_marketing_phone: phone,
  }).replace(/"customer": \{[\s\S]*\n {2}\}\n\}\s*$/, '"customer": null\n}\n');

/** A customer node as the bulk query returns it (GraphQL Admin API shape). */
const customerNode = (
  id: string,
  o: { phone: string; province: string; updatedAt: Date; subscribed?: boolean; unsubscribedAt?: Date },
) => ({
  id: gid("Customer", id),
  email: `${id}@example.com`,
  phone: o.phone,
  firstName: "Sync",
  lastName: id,
  tags: [],
  createdAt: new Date(NOW.getTime() - 300 * DAY).toISOString(),
  updatedAt: o.updatedAt.toISOString(),
  defaultAddress: { countryCodeV2: "US", provinceCode: o.province, city: null, phone: null },
  smsMarketingConsent: o.subscribed
    ? {
        marketingState: "SUBSCRIBED",
        marketingOptInLevel: "SINGLE_OPT_IN",
        consentUpdatedAt: new Date(NOW.getTime() - 10 * DAY).toISOString(),
        consentCollectedFrom: "SHOPIFY",
      }
    : o.unsubscribedAt
      ? { marketingState: "UNSUBSCRIBED", consentUpdatedAt: o.unsubscribedAt.toISOString() }
      : null,
});

describe("the sync's writes", () => {
  it("merge a guest contact with a synced customer's number under the sync's cause: no flow starts", async () => {
    const phone = "+16135550177";
    const { shop, shopId, standIn } = await shopSyncing("sync-merge", [
      customerNode("880001", { phone, province: "ON", updatedAt: new Date(NOW.getTime() - DAY), subscribed: true }),
    ]);
    try {
      await db.flow.updateMany({ where: { shopId }, data: { enabled: true } });
      // A guest ticked the SMS box at checkout (Shopify's sample, no customer): a contact by number.
      await shop.deliverRaw("checkouts/create", guestCheckout(phone));
      const guest = await db.customer.findFirstOrThrow({
        where: { shopId, phone, shopifyId: { startsWith: "local:" } },
      });
      const runsBefore = await db.flowRun.count({ where: { shopId } });

      await syncShop(shop, shopId);

      // The guest is now the synced customer (closed, history moved), and what that changed
      // in the guest's segments is the sync's doing, not a webhook's.
      expect((await db.customer.findUniqueOrThrow({ where: { id: guest.id } })).deletedAt).not.toBeNull();
      const left = await db.segmentMembershipEvent.findMany({ where: { customerId: guest.id, change: "LEFT" } });
      expect(left.length).toBeGreaterThan(0);
      expect(new Set(left.map((e) => e.cause))).toEqual(new Set(["sync"]));
      await shop.work();
      expect(await db.flowRun.count({ where: { shopId } })).toBe(runsBefore);
      const synced = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: "880001" } });
      expect(synced).toMatchObject({ phone, smsConsent: "SUBSCRIBED" });
    } finally {
      await standIn.close();
    }
  });

  it("write each consent fact with the keyed hash of its number, as the ledger's webhook writer does", async () => {
    // GIVEN a subscribed customer in the store's history, and a guest who ticks the SMS box at checkout
    const synced = "+16135550183";
    const guest = "+16135550184";
    const { shop, shopId, standIn } = await shopSyncing("sync-hash", [
      customerNode("880003", {
        phone: synced,
        province: "ON",
        updatedAt: new Date(NOW.getTime() - DAY),
        subscribed: true,
      }),
    ]);
    try {
      // WHEN the sync's batch insert writes the first fact and the webhook writer the second
      await syncShop(shop, shopId);
      await shop.deliverRaw("checkouts/create", guestCheckout(guest));

      // THEN both facts carry the keyed hash of their own number (what customers/redact keeps)
      const facts = await db.consentEvent.findMany({
        where: { shopId, phone: { in: [synced, guest] } },
        select: { phone: true, phoneHash: true },
        orderBy: { phone: "asc" },
      });
      expect(facts).toEqual([
        { phone: synced, phoneHash: numberHasher().hash(shopId, synced) },
        { phone: guest, phoneHash: numberHasher().hash(shopId, guest) },
      ]);
    } finally {
      await standIn.close();
    }
  });

  it("cancel the pending texts of a mirrored customer the sync brings as unsubscribed, as a customers/update webhook does", async () => {
    // GIVEN a customer subscribed through webhooks, with a text waiting to go out
    const phone = "+16135550186";
    const { shop, shopId, standIn } = await shopSyncing("sync-opt-out", [
      customerNode("880004", {
        phone,
        province: "ON",
        updatedAt: new Date(NOW.getTime() - DAY),
        unsubscribedAt: new Date(NOW.getTime() - 2 * DAY),
      }),
    ]);
    try {
      const customer = customerPayload({
        id: 880004,
        updatedAt: new Date(NOW.getTime() - 5 * DAY),
        smsState: "subscribed",
        consentAt: new Date(NOW.getTime() - 10 * DAY),
        phone,
        province: "ON",
        country: "CA",
      });
      await shop.deliver("customers/create", customer);
      const { id: customerId } = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: "880004" } });
      const pending = await db.message.create({
        data: {
          shopId,
          customerId,
          phone,
          direction: "OUTBOUND",
          purpose: "marketing",
          body: "Spring sale",
          status: "SCHEDULED",
          dueAt: new Date(NOW.getTime() + DAY),
        },
      });

      // WHEN the sync's batch writer brings the opt-out Shopify holds
      await syncShop(shop, shopId);

      // THEN the text is cancelled up front, with the reason, not left for the send gate
      expect(await db.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({
        smsConsent: "UNSUBSCRIBED",
      });
      expect(
        await db.message.findUniqueOrThrow({ where: { id: pending.id }, select: { status: true, error: true } }),
      ).toEqual({ status: "CANCELLED", error: "opted out (sync/customers)" });
    } finally {
      await standIn.close();
    }
  });

  it("keep the zone an order's coordinates gave a customer, as a customers/update webhook does", async () => {
    const phone = "+12125550181"; // New York number and address, orders shipped to Los Angeles
    const { shop, shopId, standIn } = await shopSyncing("sync-zone", [
      customerNode("880002", { phone, province: "NY", updatedAt: new Date(NOW.getTime() - 2 * DAY) }),
    ]);
    try {
      const customer = customerPayload({
        id: 880002,
        updatedAt: new Date(NOW.getTime() - 5 * DAY),
        smsState: "subscribed",
        phone,
        country: "US",
        province: "NY",
        city: "New York",
      });
      const order = orderPayload({ customer, at: new Date(NOW.getTime() - 5 * DAY) });
      await shop.deliver("orders/create", {
        ...order,
        shipping_address: { ...order.shipping_address, latitude: 34.0522, longitude: -118.2437 },
      });
      const zone = () =>
        db.customer.findFirstOrThrow({ where: { shopId, shopifyId: "880002" }, select: { timeZone: true } });
      expect(await zone()).toEqual({ timeZone: "America/Los_Angeles" });

      await syncShop(shop, shopId); // a newer snapshot of the customer (New York address)
      expect(await zone()).toEqual({ timeZone: "America/Los_Angeles" });

      await shop.deliver("customers/update", { ...customer, updated_at: new Date(NOW.getTime() - DAY).toISOString() });
      expect(await zone()).toEqual({ timeZone: "America/Los_Angeles" });
    } finally {
      await standIn.close();
    }
  });
});

/** An abandoned checkout node (GraphQL Admin API shape: no token, a recovery URL) with one line. */
const checkoutNodes = (id: string, recoveryUrl: string, updatedAt: Date) => [
  {
    id: gid("AbandonedCheckout", id),
    abandonedCheckoutUrl: recoveryUrl,
    createdAt: updatedAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    completedAt: null,
    totalPriceSet: { shopMoney: { amount: "199.00", currencyCode: "USD" } },
    customer: null,
  },
  {
    id: gid("AbandonedCheckoutLineItem", `${id}1`),
    title: "IPod Nano - 8GB",
    quantity: 1,
    originalUnitPriceSet: { shopMoney: { amount: "199.00", currencyCode: "USD" } },
    product: { id: gid("Product", "632910392") },
    variant: { id: gid("ProductVariant", "808950810") },
    __parentId: gid("AbandonedCheckout", id),
  },
];

describe("a synced abandoned checkout and a later webhook for it", () => {
  it("meet in one row, by the token in Shopify's recovery URL (Shopify's checkouts/update sample)", async () => {
    // The recovery URL of Shopify's checkouts sample, whose path carries the token 123123123.
    const url = "https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token";
    const synced = new Date(NOW.getTime() - 3 * DAY);
    const { shop, shopId, standIn } = await shopSyncing("sync-chk-token", [], checkoutNodes("770001", url, synced));
    try {
      await syncShop(shop, shopId);
      expect(await db.checkout.findMany({ where: { shopId }, select: { token: true } })).toEqual([
        { token: "123123123" },
      ]);
      const later = new Date(NOW.getTime() - DAY).toISOString();
      await shop.deliverRaw("checkouts/update", sampleWith("checkouts/update", { updated_at: later }));
      const rows = await db.checkout.findMany({ where: { shopId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ token: "123123123", shopifyId: "770001" });
      expect(rows[0]!.shopifyUpdatedAt.toISOString()).toBe(new Date(later).toISOString());
    } finally {
      await standIn.close();
    }
  });

  it("meet in one row when the recovery URL names the cart (checkouts/ac/<cart token>): the webhook's row adopts it", async () => {
    const synced = new Date(NOW.getTime() - 3 * DAY);
    const url = "https://shop.example/60673655038/checkouts/ac/cartXYZ/recover?key=k1";
    const { shop, shopId, standIn } = await shopSyncing("sync-chk-cart", [], checkoutNodes("770002", url, synced));
    try {
      await syncShop(shop, shopId);
      const webhook = checkoutPayload({ token: "XYZ", customer: null, updatedAt: new Date(NOW.getTime() - DAY) });
      expect(webhook.cart_token).toBe("cartXYZ");
      await shop.deliver("checkouts/update", webhook);
      const rows = await db.checkout.findMany({ where: { shopId } });
      expect(rows.map((r) => [r.token, r.shopifyId])).toEqual([["XYZ", "770002"]]);
    } finally {
      await standIn.close();
    }
  });
});
