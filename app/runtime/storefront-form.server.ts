import type { z } from "zod";
import db from "../db.server";
import { authenticate } from "./shopify.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../http/bounded-body.server";
import { clientIp } from "../http/rate-limit.server";
import { storefrontIpAllowed, storefrontReadAllowed, tooManyRequests } from "../http/storefront-limits.server";
import { clock } from "./services.server";

export type StorefrontForm<T> =
  | { ok: true; shopId: string; form: T; loggedInCustomerId: string | null; now: Date }
  | { ok: false; response: Response };

/**
 * The storefront forms' common door (`/proxy/restock`, `/proxy/subscribe`), posted through Shopify's app proxy
 * with a signed query: authenticate.public.appProxy (400 on a bad signature), the shop (404 when it does not
 * use the app), the per-address rate limit (429, nothing written), the body read with a byte limit (413),
 * then the form's own schema (400). The per-number limit is the domain's.
 */
export async function readStorefrontForm<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<StorefrontForm<z.infer<S>>> {
  const shop = await storefrontShop(request);
  if (!shop.ok) return shop;
  const { now } = shop;
  const url = new URL(request.url);
  if (!(await storefrontIpAllowed(db, { shopId: shop.id, ip: clientIp(request), now })))
    return { ok: false, response: tooManyRequests() };
  const body = await readBoundedBody(request, BODY_LIMITS.appProxy);
  if (!body.ok) return { ok: false, response: payloadTooLarge(body.limit) };
  const form = schema.safeParse(Object.fromEntries(new URLSearchParams(body.text)));
  if (!form.success) {
    const error = form.error.issues.map((i) => i.message).join("; ");
    return { ok: false, response: Response.json({ error }, { status: 400 }) };
  }
  const loggedInCustomerId = url.searchParams.get("logged_in_customer_id") || null;
  return { ok: true, shopId: shop.id, form: form.data, loggedInCustomerId, now };
}

/**
 * A storefront read through Shopify's app proxy (the sign-up block asking for the shop's terms):
 * the shop as `storefrontShop` finds it, then the per-address read limit (429, nothing read).
 */
export async function storefrontRead(
  request: Request,
): Promise<{ ok: true; id: string; now: Date } | { ok: false; response: Response }> {
  const shop = await storefrontShop(request);
  if (!shop.ok) return shop;
  if (!(await storefrontReadAllowed(db, { shopId: shop.id, ip: clientIp(request), now: shop.now })))
    return { ok: false, response: tooManyRequests("too many requests; please try again in an hour") };
  return shop;
}

/**
 * The shop a storefront request through Shopify's app proxy is for: the signature checked
 * (authenticate.public.appProxy, 400 when bad), 404 when the shop does not use the app.
 * Reads (GET) go on through storefrontRead, posts through readStorefrontForm.
 */
export async function storefrontShop(
  request: Request,
): Promise<{ ok: true; id: string; now: Date } | { ok: false; response: Response }> {
  await authenticate.public.appProxy(request);
  const shop = await db.shop.findUnique({
    where: { domain: new URL(request.url).searchParams.get("shop") ?? "" },
    select: { id: true, uninstalledAt: true },
  });
  if (!shop || shop.uninstalledAt)
    return { ok: false, response: Response.json({ error: "this store does not use SMS alerts" }, { status: 404 }) };
  return { ok: true, id: shop.id, now: clock.now() };
}
