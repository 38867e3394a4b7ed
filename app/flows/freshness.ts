import { HOUR } from "../clock";
import type { Trigger } from "./definition";

/**
 * A flow acts on an event only while the event is fresh by its own time (when the shopper
 * subscribed, when the order was placed, when the item came back), not by when we processed
 * it: a late redelivery, a replayed history or a flow turned on after the fact never texts
 * about old news. The window per trigger, from the event's own time:
 */
export const FRESH_WITHIN: Record<Trigger["type"], number> = {
  subscribed: 12 * HOUR, // a welcome within hours of the subscription
  order_placed: 24 * HOUR,
  back_in_stock: 24 * HOUR,
  segment_entered: 24 * HOUR, // e.g. an abandonment reminder only while the checkout is recent
  segment_left: 24 * HOUR,
};

export const isFresh = (trigger: Trigger, occurredAt: Date, now: Date) =>
  now.getTime() - occurredAt.getTime() <= FRESH_WITHIN[trigger.type];

/** The window in the merchant's words, for the flow editor. */
export function freshnessInWords(trigger: Trigger): string {
  const hours = FRESH_WITHIN[trigger.type] / HOUR;
  const what: Record<Trigger["type"], string> = {
    subscribed: "the shopper subscribed",
    order_placed: "the order was placed",
    back_in_stock: "the item came back in stock",
    segment_entered:
      "what put the shopper in the segment happened (for abandoned checkouts, the checkout's last activity)",
    segment_left: "what took the shopper out of the segment happened",
  };
  return `Acts only within ${hours} hours of when ${what[trigger.type]}, by the event's own time: a late or replayed event starts nothing.`;
}
