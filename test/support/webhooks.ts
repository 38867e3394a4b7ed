import { randomUUID } from "node:crypto";
import { API_SECRET_KEY, getHmac } from "@shopify/shopify-api/test-helpers";
import { API_VERSION } from "../../app/api-version";
import { webhookPath } from "../../app/simulator/webhook-sender";

export interface SignedWebhookOptions {
  shop?: string;
  webhookId?: string;
  secret?: string;
  /** Send this exact body (e.g. malformed JSON) instead of JSON-encoding the payload. */
  rawBody?: string;
  triggeredAt?: string;
}

/** A webhook request exactly as Shopify sends it: JSON body, X-Shopify-* headers, HMAC-SHA256. */
export function signedWebhook(topic: string, payload: unknown, options: SignedWebhookOptions = {}): Request {
  const body = options.rawBody ?? JSON.stringify(payload);
  const path = webhookPath(topic);
  return new Request(`https://my-test-app.myshopify.io${path}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": options.shop ?? "test-shop.myshopify.com",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": options.triggeredAt ?? new Date().toISOString(),
      "X-Shopify-API-Version": API_VERSION,
      "X-Shopify-Hmac-Sha256": getHmac(body, options.secret ?? API_SECRET_KEY),
    },
  });
}

export { actionArgs } from "./routes";
