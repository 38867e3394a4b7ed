import type { Db } from "../db.server";
import { DAY, MINUTE } from "../clock";
import { ABANDONED_MAX_DAYS, type Condition, type SegmentNode } from "./definition";
import { assertUnreachable } from "../assert-unreachable";

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof loadCustomer>>>;

const loadCustomer = (db: Db, customerId: string) => db.customer.findUnique({ where: { id: customerId } });

/**
 * Evaluates segment definitions for one customer at one instant. Reads only that customer's
 * rows (indexed lookups), so the cost of an event does not grow with the shop's size.
 * Lookups shared by several segments are made once per evaluation.
 */
export class CustomerEvaluation {
  private memo = new Map<string, Promise<boolean>>();

  private constructor(
    private readonly db: Db,
    private readonly customer: CustomerRow,
    private readonly now: Date,
  ) {}

  static async load(db: Db, customerId: string, now: Date): Promise<CustomerEvaluation | null> {
    const customer = await loadCustomer(db, customerId);
    return customer ? new CustomerEvaluation(db, customer, now) : null;
  }

  /** For callers that already hold the customer row (a backfill batch). */
  static of(db: Db, customer: CustomerRow, now: Date): CustomerEvaluation {
    return new CustomerEvaluation(db, customer, now);
  }

  /** Deleted and redacted customers belong to no segment. */
  get eligible() {
    return !this.customer.deletedAt && !this.customer.redactedAt;
  }

  async matches(node: SegmentNode): Promise<boolean> {
    if (!this.eligible) return false;
    if ("and" in node) {
      for (const n of node.and) if (!(await this.matches(n))) return false;
      return true;
    }
    if ("or" in node) {
      for (const n of node.or) if (await this.matches(n)) return true;
      return false;
    }
    if ("not" in node) return !(await this.matches(node.not));
    return this.condition(node);
  }

  private condition(c: Condition): Promise<boolean> | boolean {
    const cu = this.customer;
    const ago = (ms: number) => new Date(this.now.getTime() - ms);
    switch (c.type) {
      case "sms_subscribed":
        return cu.smsConsent === "SUBSCRIBED" && !!cu.phone;
      case "opted_out":
        return cu.smsConsent === "UNSUBSCRIBED";
      case "orders_count":
        return compare(cu.ordersCount, c.op, c.value);
      case "total_spent":
        return compare(Number(cu.totalSpent), c.op, c.value);
      case "never_purchased":
        return cu.ordersCount === 0;
      case "new_customer":
        return !!cu.firstOrderAt && cu.firstOrderAt > ago(c.days * DAY);
      case "active":
        return !!cu.lastOrderAt && cu.lastOrderAt > ago(c.days * DAY);
      case "lapsed":
        return !!cu.lastOrderAt && cu.lastOrderAt <= ago(c.days * DAY);
      case "clicked_within":
        return !!cu.lastClickAt && cu.lastClickAt > ago(c.days * DAY);
      case "never_clicked":
        return !cu.lastClickAt;
      case "replied_within":
        return !!cu.lastInboundAt && cu.lastInboundAt > ago(c.days * DAY);
      case "location":
        return (
          (!c.country || cu.countryCode === c.country.toUpperCase()) &&
          (!c.province || cu.provinceCode === c.province.toUpperCase()) &&
          (!c.city || cu.city?.toLowerCase() === c.city.toLowerCase())
        );
      case "abandoned_checkout":
        return this.once(`abandoned:${c.minutes}`, async () => {
          const checkout = await this.db.checkout.findFirst({
            where: {
              shopId: cu.shopId,
              customerId: cu.id,
              completedAt: null,
              shopifyUpdatedAt: { lte: ago(c.minutes * MINUTE), gt: ago(ABANDONED_MAX_DAYS * DAY) },
            },
            orderBy: { shopifyUpdatedAt: "desc" },
            select: { shopifyUpdatedAt: true },
          });
          // An order placed after the checkout's last activity means they bought after all.
          return !!checkout && !(cu.lastOrderAt && cu.lastOrderAt >= checkout.shopifyUpdatedAt);
        });
      case "restock_watcher":
        return this.once(
          `restock:${c.variantId ?? "*"}`,
          async () =>
            !!(await this.db.restockWatch.findFirst({
              where: {
                shopId: cu.shopId,
                customerId: cu.id,
                restockedAt: null,
                notifiedAt: null,
                cancelledAt: null,
                ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
              },
              select: { id: true },
            })),
        );
      case "purchased":
        return this.once(`purchased:${JSON.stringify(c)}`, () => this.purchased(c));
      default:
        return assertUnreachable(c, "condition type");
    }
  }

  private async purchased(c: Extract<Condition, { type: "purchased" }>): Promise<boolean> {
    const cu = this.customer;
    let productIds: string[] | undefined;
    if (c.collectionId) {
      const inCollection = await this.db.productCollection.findMany({
        where: { shopId: cu.shopId, collectionShopifyId: c.collectionId },
        select: { product: { select: { shopifyId: true } } },
      });
      productIds = inCollection.map((p) => p.product.shopifyId);
      if (!productIds.length) return false;
    }
    const line = await this.db.orderLine.findFirst({
      where: {
        shopId: cu.shopId,
        customerId: cu.id,
        order: { cancelledAt: null },
        ...(c.productId ? { productShopifyId: c.productId } : {}),
        ...(productIds ? { productShopifyId: { in: productIds } } : {}),
        ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
        ...(c.productType ? { productType: c.productType } : {}),
        ...(c.vendor ? { vendor: c.vendor } : {}),
      },
      select: { id: true },
    });
    return !!line;
  }

  private once(key: string, fn: () => Promise<boolean>): Promise<boolean> {
    let p = this.memo.get(key);
    if (!p) this.memo.set(key, (p = fn()));
    return p;
  }
}

function compare(a: number, op: "gte" | "lte" | "eq" | "gt" | "lt", b: number): boolean {
  switch (op) {
    case "gte":
      return a >= b;
    case "lte":
      return a <= b;
    case "gt":
      return a > b;
    case "lt":
      return a < b;
    case "eq":
      return a === b;
  }
}
