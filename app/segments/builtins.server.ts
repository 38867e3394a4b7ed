import type { Db } from "../db.server";
import type { SegmentNode } from "./definition";

interface Thresholds {
  abandonedAfterMinutes: number;
  newCustomerDays: number;
  activeWithinDays: number;
  lapsedAfterDays: number;
  clickedWithinDays: number;
}

/** The segments every shop starts with, parameterised by its settings. */
export function builtInSegments(
  t: Thresholds,
): { key: string; name: string; description: string; definition: SegmentNode }[] {
  return [
    {
      key: "sms-subscribers",
      name: "SMS subscribers",
      description: "Recorded SMS marketing consent and a valid number",
      definition: { type: "sms_subscribed" },
    },
    {
      key: "abandoned-checkout",
      name: "Abandoned checkout",
      description: `Started checkout, not completed within ${t.abandonedAfterMinutes} minutes`,
      definition: { type: "abandoned_checkout", minutes: t.abandonedAfterMinutes },
    },
    {
      key: "one-time-buyers",
      name: "One-time buyers",
      description: "Exactly one order",
      definition: { type: "orders_count", op: "eq", value: 1 },
    },
    {
      key: "repeat-buyers",
      name: "Repeat buyers",
      description: "Two or more orders",
      definition: { type: "orders_count", op: "gte", value: 2 },
    },
    {
      key: "restock-watchers",
      name: "Restock watchers",
      description: "Waiting for a sold-out variant",
      definition: { type: "restock_watcher" },
    },
    {
      key: "new-customers",
      name: "New customers",
      description: `First order within ${t.newCustomerDays} days`,
      definition: { type: "new_customer", days: t.newCustomerDays },
    },
    {
      key: "active-customers",
      name: "Active customers",
      description: `Ordered within ${t.activeWithinDays} days`,
      definition: { type: "active", days: t.activeWithinDays },
    },
    {
      key: "lapsed-customers",
      name: "Lapsed customers",
      description: `No order for ${t.lapsedAfterDays} days`,
      definition: { type: "lapsed", days: t.lapsedAfterDays },
    },
    {
      key: "never-purchased",
      name: "Never purchased",
      description: "No orders yet",
      definition: { type: "never_purchased" },
    },
    {
      key: "clicked-recently",
      name: "Clicked recently",
      description: `Clicked an SMS link within ${t.clickedWithinDays} days`,
      definition: { type: "clicked_within", days: t.clickedWithinDays },
    },
    {
      key: "never-clicked",
      name: "Never clicked",
      description: "Has never clicked an SMS link",
      definition: { type: "never_clicked" },
    },
    { key: "opted-out", name: "Opted out", description: "Withdrew SMS consent", definition: { type: "opted_out" } },
  ];
}

export async function seedBuiltInSegments(
  db: Pick<Db, "segment">,
  shopId: string,
  thresholds: Thresholds,
): Promise<void> {
  for (const s of builtInSegments(thresholds)) {
    await db.segment.upsert({
      where: { shopId_key: { shopId, key: s.key } },
      create: {
        shopId,
        key: s.key,
        name: s.name,
        description: s.description,
        kind: "BUILT_IN",
        definition: s.definition as object,
      },
      update: {},
    });
  }
}
