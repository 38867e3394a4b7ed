import { afterAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { createSegment, SegmentInput } from "../../app/segments/manage.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload, productPayload } from "../support/fixtures";
import { installOfflineSession, interceptAdminApi } from "../support/admin-api";

// Shopify's answer to "which collections is this product in?": product 77 is in "Winter".
const adminApi = interceptAdminApi((call) => {
  const id = String(call.variables.id);
  return {
    data: {
      product: {
        collections: { nodes: id.endsWith("/77") ? [{ id: "gid://shopify/Collection/555", title: "Winter" }] : [] },
      },
    },
  };
});
afterAll(() => adminApi.restore());

describe("purchase-based merchant segments", () => {
  it("product, product type, vendor, collection (from the Admin API), a product within a collection and total spent follow orders and cancellations", async () => {
    const shop = new TestShop(uniqueShop("purchased"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    await installOfflineSession(shop.domain);
    adminApi.shop(shop.domain);
    await shop.deliver(
      "products/create",
      productPayload({
        id: 77,
        variantId: 7701,
        inventoryItemId: 9701,
        quantity: 5,
        updatedAt: shop.clock.now(),
        productType: "Cult Products",
        vendor: "Apple",
      }),
    );
    await shop.deliver(
      "products/create",
      productPayload({
        id: 78,
        variantId: 7801,
        inventoryItemId: 9702,
        quantity: 5,
        updatedAt: shop.clock.now(),
        productType: "Mugs",
        vendor: "Kiln",
      }),
    );
    expect(
      await db.productCollection.findMany({
        where: { shopId },
        select: { collectionShopifyId: true, collectionTitle: true },
      }),
    ).toEqual([{ collectionShopifyId: "555", collectionTitle: "Winter" }]);

    const segment = async (name: string, definition: unknown) =>
      (
        await createSegment({
          db,
          queue: shop.deps.queue,
          shopId,
          input: SegmentInput.parse({ name, definition }),
          now: shop.clock.now(),
        })
      ).key;
    const keys = {
      vendor: await segment("Bought Apple", { type: "purchased", vendor: "Apple" }),
      type: await segment("Bought mugs", { type: "purchased", productType: "Mugs" }),
      product: await segment("Bought the iPod", { type: "purchased", productId: "77" }),
      collection: await segment("Bought from Winter", { type: "purchased", collectionId: "555" }),
      // Both filters apply: the iPod is in Winter, the mug is not.
      productInCollection: await segment("Bought the iPod from Winter", {
        type: "purchased",
        productId: "77",
        collectionId: "555",
      }),
      productOutsideCollection: await segment("Bought the mug from Winter", {
        type: "purchased",
        productId: "78",
        collectionId: "555",
      }),
      spent: await segment("Spent 100+", { type: "total_spent", op: "gte", value: 100 }),
    };
    await shop.work();
    const customer = customerPayload({ updatedAt: shop.clock.now() });
    const inSegments = async () => {
      const all = await shop.memberships();
      return Object.entries(keys)
        .filter(([, key]) => all[key]!.includes(String(customer.id)))
        .map(([name]) => name)
        .sort();
    };

    const first = orderPayload({
      customer,
      at: shop.clock.now(),
      total: "50.00",
      lines: [{ product_id: 77, variant_id: 7701, vendor: "Apple", price: "50.00" }],
    });
    await shop.deliver("orders/create", first);
    expect(await inSegments()).toEqual(["collection", "product", "productInCollection", "vendor"]);

    await shop.deliver(
      "orders/create",
      orderPayload({
        customer,
        at: shop.clock.now(),
        total: "60.00",
        lines: [{ product_id: 78, variant_id: 7801, vendor: "Kiln", price: "60.00" }],
      }),
    );
    expect(await inSegments()).toEqual(["collection", "product", "productInCollection", "spent", "type", "vendor"]);

    const later = new Date(shop.clock.now().getTime() + 60_000).toISOString();
    await shop.deliver("orders/cancelled", { ...first, cancelled_at: later, updated_at: later });
    expect(await inSegments()).toEqual(["type"]);
  });
});
