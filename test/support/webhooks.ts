import { API_SECRET_KEY, getHmac } from "@shopify/shopify-api/test-helpers";
import { signWebhook } from "../../dev/simulator/webhook-sender";

export interface SignedWebhookOptions {
  shop?: string;
  webhookId?: string;
  /** X-Shopify-Event-Id; by default derived from the webhook id (a redelivery is the same event). */
  eventId?: string;
  secret?: string;
  /** Send this exact body (e.g. malformed JSON) instead of JSON-encoding the payload. */
  rawBody?: string;
  triggeredAt?: string;
}

/**
 * A webhook request exactly as Shopify sends it: JSON body, X-Shopify-* headers, HMAC-SHA256.
 * Built by the simulated store's signer (one place for Shopify's delivery format), whose
 * signature is checked here against Shopify's own test helper on every use.
 */
export function signedWebhook(topic: string, payload: unknown, options: SignedWebhookOptions = {}): Request {
  const secret = options.secret ?? API_SECRET_KEY;
  const delivery = signWebhook(
    "https://my-test-app.myshopify.io",
    secret,
    options.shop ?? "test-shop.myshopify.com",
    topic,
    payload,
    {
      webhookId: options.webhookId,
      eventId: options.eventId,
      rawBody: options.rawBody,
      triggeredAt: options.triggeredAt ? new Date(options.triggeredAt) : undefined,
    },
  );
  if (delivery.headers["X-Shopify-Hmac-Sha256"] !== getHmac(delivery.body, secret))
    throw new Error("the simulator's signature differs from Shopify's");
  return new Request(delivery.url, { method: "POST", body: delivery.body, headers: delivery.headers });
}

export { actionArgs } from "./routes";
