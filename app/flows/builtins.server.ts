import type { Db } from "../db.server";
import type { FlowDefinition, Step } from "./definition";

/** A send step with one variant: every built-in flow starts without an A/B test. */
const text = (body: string): Step => ({ type: "send", variants: [{ key: "A", weight: 1, body }] });

/** The flows every shop starts with: off until the merchant turns them on. */
export const BUILT_IN_FLOWS: { key: string; name: string; definition: FlowDefinition }[] = [
  {
    key: "abandoned-checkout",
    name: "Abandoned checkout reminder",
    definition: {
      // The segment's threshold (1 h by default) is the first delay; the reminder follows
      // 24 h after the first text, so the default cap (one marketing SMS a day) lets it through.
      trigger: { type: "segment_entered", segmentKey: "abandoned-checkout" },
      steps: [
        text(
          'Hi {{ first_name | default: "there" }}, you left something in your cart. Complete your order: {{ checkout_url }}',
        ),
        { type: "wait", minutes: 24 * 60 },
        text("Still thinking it over? Your cart is saved: {{ checkout_url }}"),
      ],
      exitConditions: ["ordered", "opted_out", "left_segment"],
    },
  },
  {
    key: "back-in-stock",
    name: "Back in stock alert",
    definition: {
      trigger: { type: "back_in_stock" },
      steps: [
        text('Good news: {{ product_title | default: "an item you wanted" }} is back in stock. {{ product_url }}'),
      ],
      exitConditions: ["opted_out"],
    },
  },
  {
    key: "post-purchase",
    name: "Post-purchase: repeat-buyer offer",
    definition: {
      trigger: { type: "order_placed" },
      steps: [
        { type: "wait", minutes: 14 * 24 * 60 },
        // Only shoppers who have not come back on their own get the nudge.
        { type: "condition", condition: { type: "orders_count", op: "eq", value: 1 }, otherwise: "exit" },
        text(
          'Thanks for your order, {{ first_name | default: "friend" }}! Come back for more: {{ discount_code | default: "new arrivals are in" }}',
        ),
      ],
      exitConditions: ["ordered", "opted_out"],
    },
  },
  {
    key: "win-back",
    name: "Win-back for lapsed customers",
    definition: {
      trigger: { type: "segment_entered", segmentKey: "lapsed-customers" },
      steps: [
        { type: "wait_until", hour: 10, minute: 0 },
        text('We miss you, {{ first_name | default: "friend" }}! See what\'s new at {{ shop_name }}.'),
      ],
      exitConditions: ["ordered", "opted_out", "left_segment"],
    },
  },
  {
    key: "welcome",
    name: "Welcome new subscribers",
    definition: {
      trigger: { type: "subscribed" },
      steps: [
        text('Welcome to {{ shop_name }} texts, {{ first_name | default: "friend" }}! Expect offers and restock news.'),
      ],
      exitConditions: ["opted_out"],
    },
  },
];

export async function seedBuiltInFlows(db: Pick<Db, "flow">, shopId: string): Promise<void> {
  for (const f of BUILT_IN_FLOWS) {
    await db.flow.upsert({
      where: { shopId_key: { shopId, key: f.key } },
      create: {
        shopId,
        key: f.key,
        name: f.name,
        builtIn: true,
        enabled: false,
        trigger: f.definition.trigger,
        steps: f.definition.steps as object[],
        exitConditions: f.definition.exitConditions,
      },
      update: {},
    });
  }
}
