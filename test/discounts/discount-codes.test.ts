import { afterAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";
import { installOfflineSession, interceptAdminApi } from "../support/admin-api";

let refuse = false;
const adminApi = interceptAdminApi(() =>
  refuse
    ? {
        data: {
          discountCodeBasicCreate: {
            codeDiscountNode: null,
            userErrors: [{ field: ["basicCodeDiscount", "code"], code: "TAKEN", message: "Code must be unique" }],
          },
        },
      }
    : {
        data: {
          discountCodeBasicCreate: {
            codeDiscountNode: { id: `gid://shopify/DiscountCodeNode/${900 + adminApi.calls.length}` },
            userErrors: [],
          },
        },
      },
);
afterAll(() => adminApi.restore());

let phone = 3000 + (process.pid % 6000);
const shopper = (shop: TestShop) =>
  customerPayload({
    updatedAt: shop.clock.now(),
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });

/** Post-purchase flow on, its offer carrying {{ discount_code }}. */
async function postPurchaseShop(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T17:00:00Z"));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await installOfflineSession(shop.domain);
  adminApi.shop(shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "post-purchase" } }, data: { enabled: true } });
  return { shop, shopId };
}

describe("discount codes through the Admin API", () => {
  it("a flow's {{ discount_code }} is created once in Shopify and shared by its texts; redemptions are counted from orders", async () => {
    const { shop, shopId } = await postPurchaseShop("discount");
    const ava = shopper(shop);
    const omar = shopper(shop);
    await shop.deliver("orders/create", orderPayload({ customer: ava, at: shop.clock.now() }));
    await shop.deliver("orders/create", orderPayload({ customer: omar, at: shop.clock.now() }));
    shop.clock.advance(14 * DAY);
    await shop.work();

    const calls = adminApi.calls.filter((c) => c.shop === shop.domain);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.accessToken).toBe("shpat_test_token");
    expect(calls[0]!.query).toContain("discountCodeBasicCreate");
    const input = (calls[0]!.variables as { basicCodeDiscount: Record<string, unknown> }).basicCodeDiscount;
    expect(input).toMatchObject({
      title: "SMS: Post-purchase: repeat-buyer offer",
      context: { all: "ALL" },
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
      appliesOncePerCustomer: true,
    });
    const code = String(input.code);
    expect(code).toMatch(/^SMS[0-9A-F]{8}$/);
    expect(await db.discountCode.findFirstOrThrow({ where: { shopId } })).toMatchObject({
      code,
      shopifyId: "gid://shopify/DiscountCodeNode/901",
    });

    const bodies = (await db.message.findMany({ where: { shopId } })).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body).toContain(`Come back for more: ${code}`);

    // Redemptions: recounted from orders, so a redelivered or updated order counts once.
    const redeemed = {
      ...orderPayload({ customer: ava, at: shop.clock.now(), total: "45.00" }),
      discount_codes: [{ code, amount: "5.00", type: "percentage" }],
    };
    await shop.deliver("orders/create", redeemed);
    await shop.deliver("orders/updated", {
      ...redeemed,
      updated_at: new Date(shop.clock.now().getTime() + 1000).toISOString(),
    });
    expect((await db.discountCode.findFirstOrThrow({ where: { shopId } })).redemptions).toBe(1);
    await shop.deliver("orders/cancelled", {
      ...redeemed,
      cancelled_at: shop.clock.now().toISOString(),
      updated_at: new Date(shop.clock.now().getTime() + 2000).toISOString(),
    });
    expect((await db.discountCode.findFirstOrThrow({ where: { shopId } })).redemptions).toBe(0);
  });

  it("when Shopify refuses the discount, the template's fallback is sent instead of failing", async () => {
    const { shop, shopId } = await postPurchaseShop("discount-refused");
    refuse = true;
    try {
      await shop.deliver("orders/create", orderPayload({ customer: shopper(shop), at: shop.clock.now() }));
      shop.clock.advance(14 * DAY);
      await shop.work();
    } finally {
      refuse = false;
    }
    const [message] = await db.message.findMany({ where: { shopId } });
    expect(message!.body).toContain("Come back for more: new arrivals are in");
    expect(await db.discountCode.count({ where: { shopId } })).toBe(0);
  });
});
