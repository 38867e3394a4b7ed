import { Session } from "@shopify/shopify-api";
import { DEMO_API_SECRET } from "../config/demo";
import { sessionStorage } from "../runtime/shopify.server";
import { mintSessionToken } from "./session-token.server";

/**
 * The development-only way into the admin pages from a plain browser (`npm run demo`):
 * /dev/login?shop=… sets a cookie naming the shop, and each admin request then carries a
 * freshly minted session token, so `authenticate.admin` still verifies every request as it
 * would inside Shopify. Guarded three ways, because NODE_ENV alone is not a guard (a staging
 * host run in development mode would let anyone into any installed shop):
 * - off unless DEV_ADMIN_LOGIN=1, and refused in production by the configuration check
 *   (app/config/env.server.ts);
 * - only when the app's URL is loopback (nobody else can reach it) or the app runs with the
 *   demo's made-up secret (no real Shopify store can be behind it);
 * - never for a shop that holds a real offline session (one Shopify's token exchange left).
 */
export const DEV_SHOP_COOKIE = "sms_dev_shop";
const DEV_SESSION_STATE = "dev-login";
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function devLoginEnabled(env: Record<string, string | undefined> = process.env): boolean {
  if (env.DEV_ADMIN_LOGIN !== "1" || env.NODE_ENV === "production") return false;
  return isLoopbackUrl(env.SHOPIFY_APP_URL) || env.SHOPIFY_API_SECRET === DEMO_API_SECRET;
}

function isLoopbackUrl(url: string | undefined): boolean {
  try {
    const host = new URL(url ?? "").hostname;
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** The shop was installed through Shopify: its offline session is not the development login's. */
export async function holdsRealOfflineSession(shop: string): Promise<boolean> {
  const session = await sessionStorage.loadSession(`offline_${shop}`);
  return !!session && session.state !== DEV_SESSION_STATE;
}

export function isShopDomain(value: string | null | undefined): value is string {
  return !!value && SHOP_DOMAIN.test(value);
}

/** The cookie that signs a browser in as `shop` (development only). */
export function devLoginCookie(shop: string): string {
  return `${DEV_SHOP_COOKIE}=${encodeURIComponent(shop)}; Path=/; HttpOnly; SameSite=Lax`;
}

export const devLogoutCookie = () => `${DEV_SHOP_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

export function devShopFromCookie(request: Request): string | null {
  const cookie = request.headers.get("cookie") ?? "";
  const match = cookie.split(/;\s*/).find((part) => part.startsWith(`${DEV_SHOP_COOKIE}=`));
  const shop = match ? decodeURIComponent(match.slice(DEV_SHOP_COOKIE.length + 1)) : null;
  return isShopDomain(shop) ? shop : null;
}

/**
 * With the development login on and no token of Shopify's on the request, the request
 * gains an Authorization header with a token for the cookie's shop, unless that shop holds
 * a real offline session. Otherwise the request is returned untouched (and
 * authenticate.admin refuses it), so production requests never pass through here.
 */
export async function withDevSessionToken(request: Request): Promise<Request> {
  if (!devLoginEnabled()) return request;
  if (request.headers.get("authorization") || new URL(request.url).searchParams.get("id_token")) return request;
  const shop = devShopFromCookie(request);
  if (!shop || (await holdsRealOfflineSession(shop))) return request;
  const headers = new Headers(request.headers);
  headers.set(
    "authorization",
    `Bearer ${mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! })}`,
  );
  // From a clone: a Request built from another takes its body, and the action still has to read the form.
  return new Request(request.clone(), { headers });
}

/** The offline session token exchange would leave; there is no Shopify to exchange with in development. */
export const devOfflineSession = (shop: string) =>
  new Session({
    id: `offline_${shop}`,
    shop,
    state: DEV_SESSION_STATE,
    isOnline: false,
    accessToken: "dev-offline-token",
    scope: process.env.SCOPES ?? "",
  });
