import { z } from "zod";

/**
 * What a payload must contain to be processable, per topic. Checked before a webhook is
 * acknowledged: a payload that fails is answered 400 with the reason and kept (REJECTED)
 * for inspection. The processors parse the full shapes they use.
 */
const id = z.union([z.number(), z.string().min(1)]);
const withId = z.looseObject({ id });

export const INGEST_SCHEMAS: Record<string, z.ZodType> = {
  "orders/create": withId,
  "orders/updated": withId,
  "orders/paid": withId,
  "orders/cancelled": withId,
  "checkouts/create": z.looseObject({ token: z.string().min(1) }),
  "checkouts/update": z.looseObject({ token: z.string().min(1) }),
  "customers/create": withId,
  "customers/update": withId,
  "customers/delete": withId,
  "customers_marketing_consent/update": withId,
  "products/create": withId,
  "products/update": withId,
  "products/delete": withId,
  "inventory_levels/update": z.looseObject({
    inventory_item_id: id,
    location_id: id,
    available: z.number().nullable(),
  }),
  "app/uninstalled": z.looseObject({}),
  "bulk_operations/finish": z.looseObject({ admin_graphql_api_id: z.string().min(1), status: z.string() }),
  "shop/update": withId,
  "customers/data_request": z.looseObject({ shop_domain: z.string(), customer: z.looseObject({}) }),
  "customers/redact": z.looseObject({ shop_domain: z.string(), customer: z.looseObject({}) }),
  "shop/redact": z.looseObject({ shop_domain: z.string() }),
};

export function normaliseTopic(topic: string): string {
  // The library reports "ORDERS_CREATE" style topics; the inbox keeps Shopify's "orders/create".
  if (topic.includes("/")) return topic.toLowerCase();
  const lower = topic.toLowerCase();
  const known = Object.keys(INGEST_SCHEMAS).find((t) => t.replace("/", "_") === lower);
  return known ?? lower;
}

export function checkPayload(topic: string, payload: unknown): { ok: true } | { ok: false; reason: string } {
  const schema = INGEST_SCHEMAS[topic];
  if (!schema) return { ok: false, reason: `topic ${topic} is not subscribed` };
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true };
  const issue = result.error.issues[0]!;
  return { ok: false, reason: `${topic}: ${issue.path.join(".") || "payload"}: ${issue.message}` };
}
