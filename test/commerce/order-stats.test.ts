import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { refreshOrderStats } from "../../app/commerce/customers.server";
import { uniqueShop } from "../support/app";
import { customerColumnWrites } from "../support/column-writes";

const now = new Date("2026-12-03T18:00:00.000Z");

describe("a batch's order figures", () => {
  it("are each customer's orders, and leave firstOrderAt out of a repeat buyer's UPDATE (no index write for it)", async () => {
    const shop = await ensureShop(db, uniqueShop("order-stats"));
    const customer = (shopifyId: string) => db.customer.create({ data: { shopId: shop.id, shopifyId } });
    const order = (customerId: string, shopifyId: string, at: Date, totalPrice: number) =>
      db.order.create({ data: { shopId: shop.id, customerId, shopifyId, processedAt: at, totalPrice } });
    const [repeat, first, unchanged] = await Promise.all([customer("1"), customer("2"), customer("3")]);
    await order(repeat.id, "101", new Date(now.getTime() - 40 * DAY), 30);
    await order(unchanged.id, "301", new Date(now.getTime() - 10 * DAY), 20);
    await refreshOrderStats(db, shop.id, [repeat.id, unchanged.id]);
    // The batch: the repeat buyer's second order, the first buyer's first; the third has none new.
    await order(repeat.id, "102", now, 45);
    await order(first.id, "201", now, 12);

    const written = await customerColumnWrites({
      shopId: shop.id,
      column: "firstOrderAt",
      run: () => refreshOrderStats(db, shop.id, [repeat.id, first.id, unchanged.id]),
    });

    expect(written).toEqual([first.id]);
    const figures = await db.customer.findMany({
      where: { shopId: shop.id },
      orderBy: { shopifyId: "asc" },
      select: { ordersCount: true, totalSpent: true, firstOrderAt: true, lastOrderAt: true },
    });
    expect(figures.map((f) => ({ ...f, totalSpent: Number(f.totalSpent) }))).toEqual([
      { ordersCount: 2, totalSpent: 75, firstOrderAt: new Date(now.getTime() - 40 * DAY), lastOrderAt: now },
      { ordersCount: 1, totalSpent: 12, firstOrderAt: now, lastOrderAt: now },
      {
        ordersCount: 1,
        totalSpent: 20,
        firstOrderAt: new Date(now.getTime() - 10 * DAY),
        lastOrderAt: new Date(now.getTime() - 10 * DAY),
      },
    ]);
  });
});
