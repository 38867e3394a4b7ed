import { createHash, createHmac, randomUUID } from "node:crypto";
import { API_VERSION } from "../../app/api-version";

/** Where Shopify posts each topic in this app (shopify.app.toml's subscriptions). */
export function webhookPath(topic: string): string {
  if (topic === "app/uninstalled") return "/webhooks/app/uninstalled";
  if (["customers/data_request", "customers/redact", "shop/redact"].includes(topic)) return "/webhooks/compliance";
  return `/webhooks/${topic.split("/")[0]}`;
}

export interface SignedDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * A webhook delivery exactly as Shopify makes it: JSON body, X-Shopify-* headers and
 * X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app secret, raw body)).
 */
export function signWebhook(
  appUrl: string,
  secret: string,
  shop: string,
  topic: string,
  payload: unknown,
  options: { webhookId?: string; eventId?: string; triggeredAt?: Date; rawBody?: string } = {},
): SignedDelivery {
  const body = options.rawBody ?? JSON.stringify(payload);
  const webhookId = options.webhookId ?? randomUUID();
  return {
    url: new URL(webhookPath(topic), appUrl).toString(),
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": options.eventId ?? eventIdOf(webhookId),
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
      "X-Shopify-API-Version": API_VERSION,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    },
  };
}

/**
 * A retried delivery is the same event, so it carries the same X-Shopify-Event-Id (Shopify's
 * documented duplicate key): derived from the webhook id unless a test names another event.
 */
const eventIdOf = (webhookId: string) => {
  const h = createHash("sha256").update(`event:${webhookId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * Posts a signed delivery; like Shopify, retries (with a short backoff here) until it is
 * answered 2xx, and gives up on a 4xx other than 429. Returns the final status.
 */
export async function deliver(d: SignedDelivery, attempts = 5): Promise<number> {
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(d.url, { method: "POST", body: d.body, headers: d.headers });
      await response.arrayBuffer();
      status = response.status;
      if (status < 300 || (status >= 400 && status < 500 && status !== 429)) return status;
    } catch {
      status = 0; // connection refused or reset: the app is (re)starting
    }
    await new Promise((r) => setTimeout(r, 200 * attempt ** 2));
  }
  return status;
}
