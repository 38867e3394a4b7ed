import type { Db } from "../db.server";
import { DAY, MINUTE } from "../clock";
import { ABANDONED_MAX_DAYS, conditionsOf, type Condition, type SegmentNode } from "./definition";
import { assertUnreachable } from "../assert-unreachable";

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof loadCustomer>>>;

const loadCustomer = (db: Db, customerId: string) => db.customer.findUnique({ where: { id: customerId } });

/** The customer columns the conditions read: a full row, or the set-based load's (refresh.server.ts). */
export type CustomerFacts = Pick<
  CustomerRow,
  | "id"
  | "shopId"
  | "smsConsent"
  | "phone"
  | "ordersCount"
  | "firstOrderAt"
  | "lastOrderAt"
  | "lastClickAt"
  | "lastInboundAt"
  | "countryCode"
  | "provinceCode"
  | "city"
  | "deletedAt"
  | "redactedAt"
> & { totalSpent: CustomerRow["totalSpent"] | number | string };

/** Conditions answered from other tables (checkouts, restock watches, order lines), not the customer row. */
export type RelationalCondition = Extract<Condition, { type: "abandoned_checkout" | "restock_watcher" | "purchased" }>;

/**
 * What a relational condition looks up, per customer: for abandoned_checkout the newest open
 * checkout's activity inside the window (or null), for the others whether a row exists.
 */
export type RelationFact = Date | boolean | null;

export function isRelational(c: Condition): c is RelationalCondition {
  return c.type === "abandoned_checkout" || c.type === "restock_watcher" || c.type === "purchased";
}

/** One lookup per distinct relational condition: segments sharing one share its answer. */
export function relationKey(c: RelationalCondition): string {
  switch (c.type) {
    case "abandoned_checkout":
      return `abandoned:${c.minutes}`;
    case "restock_watcher":
      return `restock:${c.variantId ?? "*"}`;
    case "purchased":
      return `purchased:${JSON.stringify(c)}`;
    default:
      return assertUnreachable(c, "relational condition");
  }
}

/** Deleted and redacted customers belong to no segment. */
export const isEligible = (cu: Pick<CustomerFacts, "deletedAt" | "redactedAt">) => !cu.deletedAt && !cu.redactedAt;

/**
 * The one definition of what a segment means for a customer at an instant, given the
 * customer's columns and the answers to its relational conditions (keyed by relationKey).
 * Both the per-customer evaluation below and the set-based refresh (refresh.server.ts)
 * decide through it, so the two cannot disagree.
 */
export function matchesFacts({ node, ...facts }: Facts & { node: SegmentNode }): boolean {
  if (!isEligible(facts.customer)) return false;
  const walk = (n: SegmentNode): boolean => {
    if ("and" in n) return n.and.every(walk);
    if ("or" in n) return n.or.some(walk);
    if ("not" in n) return !walk(n.not);
    return condition(n, facts);
  };
  return walk(node);
}

/** What a condition is decided on: the customer's columns, the instant, the answers to relational conditions. */
type Facts = { customer: CustomerFacts; now: Date; relation: (key: string) => RelationFact };

function condition(c: Condition, { customer: cu, now, relation }: Facts): boolean {
  const ago = (ms: number) => new Date(now.getTime() - ms);
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
    case "abandoned_checkout": {
      const checkoutAt = relation(relationKey(c));
      // An order placed after the checkout's last activity means they bought after all.
      return checkoutAt instanceof Date && !(cu.lastOrderAt && cu.lastOrderAt >= checkoutAt);
    }
    case "restock_watcher":
    case "purchased":
      return relation(relationKey(c)) === true;
    default:
      return assertUnreachable(c, "condition type");
  }
}

/**
 * Evaluates segment definitions for one customer at one instant, with a query per distinct
 * relational condition (indexed lookups on that customer's rows, memoised). For one-off
 * checks (the flow engine's conditions, the builder's preview); segment maintenance uses
 * the set-based refresh, which answers every segment for many customers in one query.
 */
export class CustomerEvaluation {
  private memo = new Map<string, Promise<RelationFact>>();

  private constructor(
    private readonly db: Db,
    private readonly customer: CustomerRow,
    private readonly now: Date,
  ) {}

  static async load(db: Db, customerId: string, now: Date): Promise<CustomerEvaluation | null> {
    const customer = await loadCustomer(db, customerId);
    return customer ? new CustomerEvaluation(db, customer, now) : null;
  }

  /** For callers that already hold the customer row. */
  static of(db: Db, customer: CustomerRow, now: Date): CustomerEvaluation {
    return new CustomerEvaluation(db, customer, now);
  }

  get eligible() {
    return isEligible(this.customer);
  }

  async matches(node: SegmentNode): Promise<boolean> {
    if (!this.eligible) return false;
    const facts = new Map<string, RelationFact>();
    for (const c of conditionsOf(node)) {
      if (!isRelational(c)) continue;
      const key = relationKey(c);
      if (!facts.has(key)) facts.set(key, await this.once(key, () => this.lookup(c)));
    }
    return matchesFacts({ node, customer: this.customer, now: this.now, relation: (key) => facts.get(key) ?? null });
  }

  private once(key: string, fn: () => Promise<RelationFact>): Promise<RelationFact> {
    let p = this.memo.get(key);
    if (!p) this.memo.set(key, (p = fn()));
    return p;
  }

  private async lookup(c: RelationalCondition): Promise<RelationFact> {
    const cu = this.customer;
    const ago = (ms: number) => new Date(this.now.getTime() - ms);
    switch (c.type) {
      case "abandoned_checkout": {
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
        return checkout?.shopifyUpdatedAt ?? null;
      }
      case "restock_watcher":
        return !!(await this.db.restockWatch.findFirst({
          where: {
            shopId: cu.shopId,
            customerId: cu.id,
            restockedAt: null,
            notifiedAt: null,
            cancelledAt: null,
            ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
          },
          select: { id: true },
        }));
      case "purchased":
        return this.purchased(c);
      default:
        return assertUnreachable(c, "relational condition");
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
      // A product beside the collection narrows it: that product, if it is in the collection.
      productIds = inCollection.map((p) => p.product.shopifyId).filter((id) => !c.productId || id === c.productId);
      if (!productIds.length) return false;
    }
    const line = await this.db.orderLine.findFirst({
      where: {
        shopId: cu.shopId,
        customerId: cu.id,
        order: { cancelledAt: null },
        ...(productIds
          ? { productShopifyId: { in: productIds } }
          : c.productId
            ? { productShopifyId: c.productId }
            : {}),
        ...(c.variantId ? { variantShopifyId: c.variantId } : {}),
        ...(c.productType ? { productType: c.productType } : {}),
        ...(c.vendor ? { vendor: c.vendor } : {}),
      },
      select: { id: true },
    });
    return !!line;
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
