import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { LogSeverity, shopifyApi, WebhookType, WebhookValidationErrorReason } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "../db.server";
import { loadEnvOrExit } from "../config/env.server";
import { API_VERSION } from "../api-version";
import { installShop } from "../commerce/shops.server";
import { QUEUES } from "../jobs/queue.server";
import { SealedSessionStorage } from "../security/sealed-session-storage.server";
import { secretBoxFromEnv } from "../security/secrets.server";
import { shopifyLibraryLog } from "../observability/log.server";

export { API_VERSION };

// The web server imports this module first: a bad configuration stops it here, with the list of problems.
const env = loadEnvOrExit();

// The single place the Shopify app is configured. Embedded, session tokens with token
// exchange (no OAuth redirects inside the admin), sessions in our own database with the
// access and refresh tokens sealed (app/security/sealed-session-storage.server.ts).
const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES?.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new SealedSessionStorage(new PrismaSessionStorage(db), secretBoxFromEnv()),
  distribution: AppDistribution.AppStore,
  // The library's lines go through the app's logger (redacted JSON lines), not console.
  logger: { level: LogSeverity.Info, log: shopifyLibraryLog },
  hooks: {
    // Install and reinstall: the shop is installed again (app/uninstalled's mark cleared), its
    // facts (name, contact e-mail, time zone, country) are read from the Admin API by a job, and
    // on first install the store's history is fetched (app/sync/). Imported lazily: the job
    // engine connects as it loads, and only an install needs it.
    afterAuth: async ({ session }) => {
      const [{ queue }, { syncOnInstall }, { systemClock }] = await Promise.all([
        import("./job-engine.server"),
        import("../sync/install.server"),
        import("../clock"),
      ]);
      await installShop(db, session.shop, systemClock.now());
      await queue.enqueue(
        QUEUES.syncShopFacts,
        { shopDomain: session.shop },
        { dedupeKey: `shop-facts:${session.shop}:auth` },
      );
      await syncOnInstall({ db, queue, clock: systemClock }, session.shop);
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

/**
 * The webhook routes' check: exactly `authenticate.webhook`'s (POST only, the HMAC and
 * Shopify's headers validated by @shopify/shopify-api's `webhooks.validate`, 401 for a bad
 * HMAC, 400 for missing headers), on the body the route has already read (bounded), without the rest of it:
 * `authenticate.webhook` also loads the shop's offline session (and may refresh an expiring
 * token over HTTP) to hand the route an Admin client, which ingestion never uses. That was a
 * database read (or a call to Shopify) on the request path of every webhook.
 */
const webhookApi = shopifyApi({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  hostName: new URL(env.SHOPIFY_APP_URL).host,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: shopifyLibraryLog },
});

export async function verifyWebhook(request: Request, rawBody: string) {
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  const check = await webhookApi.webhooks.validate({ rawBody, rawRequest: request });
  if (!check.valid) {
    const hmac = check.reason === WebhookValidationErrorReason.InvalidHmac;
    throw new Response(undefined, hmac ? { status: 401, statusText: "Unauthorized" } : { status: 400 });
  }
  return {
    shop: check.domain,
    topic: check.topic,
    webhookId: check.webhookId,
    apiVersion: check.apiVersion,
    triggeredAt: check.triggeredAt,
    eventId: check.webhookType === WebhookType.Webhooks ? check.eventId : undefined,
  };
}

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
