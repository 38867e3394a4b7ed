import { z } from "zod";

/**
 * The one list of the webhook topics the app takes (shopify.app.toml subscribes exactly these:
 * test/config/app-config.test.ts), with what each must contain to be acknowledged and whether it
 * waits while the shop's day-one sync runs. The route checks `ingest` before answering (a payload
 * that fails is answered 400 with the reason and kept REJECTED); the worker's writer for each topic
 * (webhooks/process.server.ts, a table typed by this one) parses the full shape it uses.
 *
 * `held`: applied at the end of a running sync, in arrival order, instead of at once
 * (sync/held-webhooks.server.ts says why). Privacy topics are held too, so a redaction lands after
 * (and erases) what the snapshot wrote. `scope: "domain"`: handled by shop domain, before and
 * without a shop row (the shop may be gone, or being erased).
 */
const id = z.union([z.number(), z.string().min(1)]);
const withId = z.looseObject({ id });
const customerRequest = z.looseObject({ shop_domain: z.string(), customer: z.looseObject({}) });

interface TopicRule {
  ingest: z.ZodType;
  held: boolean;
  scope: "shop" | "domain";
}
const shopTopic = (ingest: z.ZodType, held: boolean) => ({ ingest, held, scope: "shop" as const });

export const TOPICS = {
  "orders/create": shopTopic(withId, true),
  "orders/updated": shopTopic(withId, true),
  "orders/paid": shopTopic(withId, true),
  "orders/cancelled": shopTopic(withId, true),
  "checkouts/create": shopTopic(z.looseObject({ token: z.string().min(1) }), true),
  "checkouts/update": shopTopic(z.looseObject({ token: z.string().min(1) }), true),
  "customers/create": shopTopic(withId, true),
  "customers/update": shopTopic(withId, true),
  "customers/delete": shopTopic(withId, true),
  "customers_marketing_consent/update": shopTopic(withId, true),
  "products/create": shopTopic(withId, true),
  "products/update": shopTopic(withId, true),
  "products/delete": shopTopic(withId, true),
  "inventory_levels/update": shopTopic(
    z.looseObject({ inventory_item_id: id, location_id: id, available: z.number().nullable() }),
    true,
  ),
  "bulk_operations/finish": shopTopic(
    z.looseObject({ admin_graphql_api_id: z.string().min(1), status: z.string() }),
    false,
  ),
  "shop/update": shopTopic(withId, false),
  "customers/data_request": shopTopic(customerRequest, false),
  "customers/redact": shopTopic(customerRequest, true),
  "app/uninstalled": { ingest: z.looseObject({}), held: false, scope: "domain" },
  "shop/redact": { ingest: z.looseObject({ shop_domain: z.string() }), held: false, scope: "domain" },
} as const satisfies Record<string, TopicRule>;

export type Topic = keyof typeof TOPICS;
/** Topics handled with the shop's row (the rest run by domain). */
export type ShopTopic = { [T in Topic]: (typeof TOPICS)[T]["scope"] extends "shop" ? T : never }[Topic];
export type DomainTopic = Exclude<Topic, ShopTopic>;

export const isTopic = (topic: string): topic is Topic => Object.hasOwn(TOPICS, topic);

/** Whether the topic is handled by shop domain, without a shop row (its `scope` in the list). */
export const isDomainTopic = (topic: Topic): topic is DomainTopic => TOPICS[topic].scope === "domain";

/** The topics that wait for a running sync (sync/held-webhooks.server.ts). */
export const TOPICS_HELD_DURING_SYNC: readonly Topic[] = (Object.keys(TOPICS) as Topic[]).filter((t) => TOPICS[t].held);

/** The library reports "ORDERS_CREATE" style topics; the inbox keeps Shopify's "orders/create". */
export function normaliseTopic(topic: string): string {
  if (topic.includes("/")) return topic.toLowerCase();
  const lower = topic.toLowerCase();
  return Object.keys(TOPICS).find((t) => t.replace("/", "_") === lower) ?? lower;
}

/** The ingest check: a topic the app takes, with the fields its processing can't do without. */
export function checkPayload(topic: string, payload: unknown): { ok: true } | { ok: false; reason: string } {
  if (!isTopic(topic)) return { ok: false, reason: `topic ${topic} is not subscribed` };
  const result = TOPICS[topic].ingest.safeParse(payload);
  if (result.success) return { ok: true };
  const issue = result.error.issues[0]!;
  return { ok: false, reason: `${topic}: ${issue.path.join(".") || "payload"}: ${issue.message}` };
}
