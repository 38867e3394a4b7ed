import type { Db } from "../db.server";
import type { Prisma } from "../generated/sqlite/client";
import { DAY, MINUTE } from "../clock";
import { ABANDONED_MAX_DAYS, type Condition, type SegmentNode } from "./definition";
import { assertUnreachable } from "../assert-unreachable";

type Where = Prisma.CustomerWhereInput;

/**
 * A segment definition as one database filter on Customer, so a draft can be counted with
 * COUNT(*) in the database instead of evaluating a million customers one by one (what the
 * builder's live count needs). It mirrors CustomerEvaluation (the authority, which
 * test/admin/segments.test.ts checks it against) with two known differences, reported as
 * `exact: false` so the page can say "about N":
 * - abandoned_checkout: "no order since that checkout" compares two tables' columns, which a
 *   Prisma filter cannot express; the filter only asks for an open checkout in the window.
 * - location city: the evaluator ignores case; SQLite's `=` does not, so the filter matches
 *   the usual spellings (as typed, lower, UPPER, Title Case).
 * Every comparison on a nullable column also requires the column to be set, so that NOT of
 * it keeps the rows where it is null (SQL's NOT(NULL) would drop them; the evaluator keeps them).
 */
export async function definitionWhere({
  db,
  shopId,
  node,
  now,
}: {
  db: Db;
  shopId: string;
  node: SegmentNode;
  now: Date;
}): Promise<{ where: Where; exact: boolean }> {
  let exact = true;
  const ago = (ms: number) => new Date(now.getTime() - ms);

  const condition = async (c: Condition): Promise<Where> => {
    switch (c.type) {
      case "sms_subscribed":
        return { smsConsent: "SUBSCRIBED", phone: { not: null } };
      case "opted_out":
        return { smsConsent: "UNSUBSCRIBED" };
      case "orders_count":
        return { ordersCount: { [c.op === "eq" ? "equals" : c.op]: c.value } };
      case "total_spent":
        return { totalSpent: { [c.op === "eq" ? "equals" : c.op]: c.value } };
      case "never_purchased":
        return { ordersCount: 0 };
      case "new_customer":
        return { firstOrderAt: { not: null, gt: ago(c.days * DAY) } };
      case "active":
        return { lastOrderAt: { not: null, gt: ago(c.days * DAY) } };
      case "lapsed":
        return { lastOrderAt: { not: null, lte: ago(c.days * DAY) } };
      case "clicked_within":
        return { lastClickAt: { not: null, gt: ago(c.days * DAY) } };
      case "never_clicked":
        return { lastClickAt: null };
      case "replied_within":
        return { lastInboundAt: { not: null, gt: ago(c.days * DAY) } };
      case "location": {
        const parts: Where[] = [];
        if (c.country) parts.push({ countryCode: { not: null, equals: c.country.toUpperCase() } });
        if (c.province) parts.push({ provinceCode: { not: null, equals: c.province.toUpperCase() } });
        if (c.city) {
          exact = false;
          parts.push({ city: { not: null, in: spellings(c.city) } });
        }
        return { AND: parts };
      }
      case "abandoned_checkout":
        exact = false;
        return {
          checkouts: {
            some: {
              shopId,
              completedAt: null,
              shopifyUpdatedAt: { lte: ago(c.minutes * MINUTE), gt: ago(ABANDONED_MAX_DAYS * DAY) },
            },
          },
        };
      case "restock_watcher":
        return {
          restockWatches: {
            some: {
              shopId,
              restockedAt: null,
              notifiedAt: null,
              cancelledAt: null,
              ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
            },
          },
        };
      case "purchased":
        return purchased(c);
      default:
        return assertUnreachable(c, "condition type");
    }
  };

  const purchased = async (c: Extract<Condition, { type: "purchased" }>): Promise<Where> => {
    let productIds: string[] | undefined;
    if (c.collectionId) {
      const inCollection = await db.productCollection.findMany({
        where: { shopId, collectionShopifyId: c.collectionId },
        select: { product: { select: { shopifyId: true } } },
      });
      // A product beside the collection narrows it: that product, if it is in the collection.
      productIds = inCollection.map((p) => p.product.shopifyId).filter((id) => !c.productId || id === c.productId);
    }
    const line: Prisma.OrderLineWhereInput = {
      shopId,
      ...(productIds ? { productShopifyId: { in: productIds } } : c.productId ? { productShopifyId: c.productId } : {}),
      ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
      ...(c.productType ? { productType: c.productType } : {}),
      ...(c.vendor ? { vendor: c.vendor } : {}),
    };
    return { orders: { some: { shopId, cancelledAt: null, lines: { some: line } } } };
  };

  const walk = async (n: SegmentNode): Promise<Where> => {
    if ("and" in n) return { AND: await Promise.all(n.and.map(walk)) };
    if ("or" in n) return { OR: await Promise.all(n.or.map(walk)) };
    if ("not" in n) return { NOT: await walk(n.not) };
    return condition(n);
  };

  // Deleted and redacted customers belong to no segment (CustomerEvaluation.eligible).
  const where: Where = { AND: [{ shopId, deletedAt: null, redactedAt: null }, await walk(node)] };
  return { where, exact };
}

function spellings(city: string): string[] {
  const lower = city.trim().toLowerCase();
  const title = lower.replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());
  return [...new Set([city.trim(), lower, lower.toUpperCase(), title])];
}
