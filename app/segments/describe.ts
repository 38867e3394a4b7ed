import type { Condition, SegmentNode } from "./definition";
import { assertUnreachable } from "../assert-unreachable";

/**
 * Segment definitions in the merchant's words: the label of each condition type (the
 * builder's type picker) and a sentence for a whole tree (the segment page). Browser-safe.
 */
export const CONDITION_LABELS: Record<Condition["type"], string> = {
  sms_subscribed: "Subscribed to SMS",
  opted_out: "Opted out of SMS",
  orders_count: "Number of orders",
  total_spent: "Total spent",
  never_purchased: "Never purchased",
  new_customer: "First order within (days)",
  active: "Ordered within (days)",
  lapsed: "No order for (days)",
  abandoned_checkout: "Abandoned a checkout",
  restock_watcher: "Waiting for a restock",
  clicked_within: "Clicked an SMS link within (days)",
  never_clicked: "Never clicked an SMS link",
  replied_within: "Replied by SMS within (days)",
  location: "Lives in",
  purchased: "Purchased",
};

export const COMPARISON_WORDS = {
  gte: "at least",
  lte: "at most",
  eq: "exactly",
  gt: "more than",
  lt: "fewer than",
} as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function describeCondition(c: Condition): string {
  switch (c.type) {
    case "sms_subscribed":
      return "are subscribed to SMS with a valid number";
    case "opted_out":
      return "have opted out of SMS";
    case "orders_count":
      return `have placed ${COMPARISON_WORDS[c.op]} ${plural(c.value, "order")}`;
    case "total_spent":
      return `have spent ${COMPARISON_WORDS[c.op]} ${c.value}`;
    case "never_purchased":
      return "have never purchased";
    case "new_customer":
      return `placed a first order in the last ${plural(c.days, "day")}`;
    case "active":
      return `ordered in the last ${plural(c.days, "day")}`;
    case "lapsed":
      return `have ordered, but not in the last ${plural(c.days, "day")}`;
    case "abandoned_checkout":
      return `left a checkout unfinished for ${plural(c.minutes, "minute")}`;
    case "restock_watcher":
      return c.variantId ? `are waiting for variant ${c.variantId} to be restocked` : "are waiting for a restock";
    case "clicked_within":
      return `clicked an SMS link in the last ${plural(c.days, "day")}`;
    case "never_clicked":
      return "have never clicked an SMS link";
    case "replied_within":
      return `replied by SMS in the last ${plural(c.days, "day")}`;
    case "location": {
      const place = [c.city, c.province, c.country].filter(Boolean).join(", ");
      return place ? `live in ${place}` : "live anywhere";
    }
    case "purchased": {
      const what = [
        c.productId && `product ${c.productId}`,
        c.variantId && `variant ${c.variantId}`,
        c.productType && `a "${c.productType}" product`,
        c.vendor && `something from ${c.vendor}`,
        c.collectionId && `from collection ${c.collectionId}`,
      ].filter(Boolean);
      return what.length ? `purchased ${what.join(" and ")}` : "purchased anything";
    }
    default:
      return assertUnreachable(c, "condition type");
  }
}

/** Completes "Customers who …": "have placed at least 2 orders and (live in TX, US or live in CA, US)". */
export function describeDefinition(node: SegmentNode): string {
  if ("and" in node) return join(node.and, "and");
  if ("or" in node) return join(node.or, "or");
  if ("not" in node) return `do not match "${describeDefinition(node.not)}"`;
  return describeCondition(node);
}

function join(nodes: SegmentNode[], word: "and" | "or"): string {
  const parts = nodes.map((n) => ("and" in n || "or" in n ? `(${describeDefinition(n)})` : describeDefinition(n)));
  return parts.join(` ${word} `);
}
