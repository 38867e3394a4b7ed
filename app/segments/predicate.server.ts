import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { DAY, MINUTE } from "../clock";
import { typedValue } from "../db/update-rows.server";
import { ABANDONED_MAX_DAYS, type Condition, type SegmentNode } from "./definition";
import type { RelationalCondition } from "./evaluate.server";
import { assertUnreachable } from "../assert-unreachable";

const { empty, join, raw, sql } = Prisma;
type Sql = Prisma.Sql;

/**
 * An instant as its column stores it (the text `…T12:00:00.000+00:00` on SQLite, a cast to
 * timestamp(3) on PostgreSQL), so comparisons with the stored text are exact on both: a bound
 * Date sent as `…Z` text would sort after the same instant stored with `+00:00`.
 */
const at = (date: Date): Sql => typedValue(date, "timestamp");

const OPERATORS = { gte: ">=", lte: "<=", eq: "=", gt: ">", lt: "<" } as const;

/**
 * A segment definition as one SQL condition on the customer `c` (an alias of "Customer"), so a
 * segment can be evaluated for a whole shop inside the database (the day-one sync's pass,
 * segments/range-refresh). It decides exactly as matchesFacts (evaluate.server.ts): deleted and
 * redacted customers match nothing, and every condition is TRUE or FALSE, never NULL (each
 * comparison on a nullable column also asks for the column to be set), so NOT means what the
 * evaluator's `!` means. test/segments/range-refresh.test.ts holds the two side by side.
 *
 * Null when a condition cannot be said exactly in SQL: a location's city, which the evaluator
 * compares with JavaScript's Unicode case mapping (SQLite's LOWER folds ASCII only). Such a
 * segment is evaluated in memory instead (refreshSegmentsFor).
 */
export function segmentPredicate(node: SegmentNode, now: Date): Sql | null {
  return definitionSql(node, now, { city: "exact" });
}

/**
 * A draft definition for the builder's live count (admin/segments/preview): the same condition,
 * except that a city, which cannot be said exactly (see segmentPredicate), is matched by its usual
 * spellings (as typed, lower, UPPER, Title Case); `exact` says whether that happened, so the page
 * can say "about N".
 */
export function draftPredicate(node: SegmentNode, now: Date): { predicate: Sql; exact: boolean } {
  const exact = segmentPredicate(node, now);
  return exact
    ? { predicate: exact, exact: true }
    : { predicate: definitionSql(node, now, { city: "spellings" })!, exact: false };
}

function definitionSql(node: SegmentNode, now: Date, options: { city: "exact" | "spellings" }): Sql | null {
  const walk = (n: SegmentNode): Sql | null => {
    const all = (nodes: SegmentNode[], glue: string) => {
      const parts = nodes.map(walk);
      return parts.every((p): p is Sql => p !== null) ? sql`(${join(parts, glue)})` : null;
    };
    if ("and" in n) return all(n.and, " AND ");
    if ("or" in n) return all(n.or, " OR ");
    if ("not" in n) {
      const inner = walk(n.not);
      return inner && sql`(NOT ${inner})`;
    }
    return conditionSql(n, now, options);
  };
  const body = walk(node);
  return body && sql`(c."deletedAt" IS NULL AND c."redactedAt" IS NULL AND ${body})`;
}

function conditionSql(c: Condition, now: Date, options: { city: "exact" | "spellings" }): Sql | null {
  const ago = (ms: number) => at(new Date(now.getTime() - ms));
  const after = (column: string, ms: number) =>
    sql`(c.${raw(`"${column}"`)} IS NOT NULL AND c.${raw(`"${column}"`)} > ${ago(ms)})`;
  switch (c.type) {
    case "sms_subscribed":
      // The evaluator's `!!phone`: an empty text is no number.
      return sql`(c."smsConsent" = 'SUBSCRIBED' AND c."phone" IS NOT NULL AND c."phone" <> '')`;
    case "opted_out":
      return sql`(c."smsConsent" = 'UNSUBSCRIBED')`;
    case "orders_count":
      return sql`(c."ordersCount" ${raw(OPERATORS[c.op])} ${c.value})`;
    case "total_spent":
      return sql`(c."totalSpent" ${raw(OPERATORS[c.op])} ${c.value})`;
    case "never_purchased":
      return sql`(c."ordersCount" = 0)`;
    case "new_customer":
      return after("firstOrderAt", c.days * DAY);
    case "active":
      return after("lastOrderAt", c.days * DAY);
    case "lapsed":
      return sql`(c."lastOrderAt" IS NOT NULL AND c."lastOrderAt" <= ${ago(c.days * DAY)})`;
    case "clicked_within":
      return after("lastClickAt", c.days * DAY);
    case "never_clicked":
      return sql`(c."lastClickAt" IS NULL)`;
    case "replied_within":
      return after("lastInboundAt", c.days * DAY);
    case "location": {
      if (c.city && options.city === "exact") return null;
      const parts = [sql`1 = 1`];
      if (c.city) parts.push(sql`(c."city" IS NOT NULL AND c."city" IN (${join(spellings(c.city))}))`);
      if (c.country) parts.push(sql`(c."countryCode" IS NOT NULL AND c."countryCode" = ${c.country.toUpperCase()})`);
      if (c.province)
        parts.push(sql`(c."provinceCode" IS NOT NULL AND c."provinceCode" = ${c.province.toUpperCase()})`);
      return sql`(${join(parts, " AND ")})`;
    }
    case "abandoned_checkout": {
      // An order placed after the checkout's last activity means they bought after all.
      const newest = relationSql(c, now);
      return sql`(${newest} IS NOT NULL AND (c."lastOrderAt" IS NULL OR c."lastOrderAt" < ${newest}))`;
    }
    case "restock_watcher":
    case "purchased":
      return relationSql(c, now);
    default:
      return assertUnreachable(c, "condition type");
  }
}

/**
 * One relational condition for the customer `c` of the outer query, the same lookup as
 * CustomerEvaluation's (evaluate.server.ts): indexed by (shopId, customerId) on each table.
 * abandoned_checkout answers the newest open checkout's activity in the window (or NULL), the
 * others TRUE or FALSE.
 */
export function relationSql(c: RelationalCondition, now: Date): Sql {
  const ago = (ms: number) => at(new Date(now.getTime() - ms));
  switch (c.type) {
    case "abandoned_checkout":
      return sql`(SELECT MAX(k."shopifyUpdatedAt") FROM "Checkout" k
        WHERE k."shopId" = c."shopId" AND k."customerId" = c."id" AND k."completedAt" IS NULL
          AND k."shopifyUpdatedAt" <= ${ago(c.minutes * MINUTE)} AND k."shopifyUpdatedAt" > ${ago(ABANDONED_MAX_DAYS * DAY)})`;
    case "restock_watcher":
      return sql`EXISTS (SELECT 1 FROM "RestockWatch" w
        WHERE w."shopId" = c."shopId" AND w."customerId" = c."id"
          AND w."restockedAt" IS NULL AND w."notifiedAt" IS NULL AND w."cancelledAt" IS NULL
          ${c.variantId ? sql`AND w."variantShopifyId" = ${c.variantId}` : empty})`;
    case "purchased": {
      // Every filter given applies: a product beside a collection must be that product and in it.
      const product = sql`${
        c.collectionId
          ? sql`AND l."productShopifyId" IN (SELECT p."shopifyId" FROM "ProductCollection" pc JOIN "Product" p ON p."id" = pc."productId"
            WHERE pc."shopId" = c."shopId" AND pc."collectionShopifyId" = ${c.collectionId})`
          : empty
      } ${c.productId ? sql`AND l."productShopifyId" = ${c.productId}` : empty}`;
      return sql`EXISTS (SELECT 1 FROM "OrderLine" l JOIN "Order" o ON o."id" = l."orderId"
        WHERE l."shopId" = c."shopId" AND l."customerId" = c."id" AND o."cancelledAt" IS NULL ${product}
          ${c.variantId ? sql`AND l."variantShopifyId" = ${c.variantId}` : empty}
          ${c.productType ? sql`AND l."productType" = ${c.productType}` : empty}
          ${c.vendor ? sql`AND l."vendor" = ${c.vendor}` : empty})`;
    }
    default:
      return assertUnreachable(c, "relational condition");
  }
}

function spellings(city: string): string[] {
  const lower = city.trim().toLowerCase();
  const title = lower.replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());
  return [...new Set([city.trim(), lower, lower.toUpperCase(), title])];
}
