import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticate } from "../shopify.server";
import { RestockSignup, signUpForRestock } from "../commerce/restock-signup.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../http/bounded-body.server";
import { clock } from "../runtime/services.server";
import { clientIp } from "../http/rate-limit.server";
import { storefrontIpAllowed, tooManyRequests } from "../http/storefront-limits.server";

// The storefront's "Text me when it's back" form, posted to /apps/sms/restock and forwarded
// by Shopify's app proxy with a signed query (shop, timestamp, logged_in_customer_id,
// signature). authenticate.public.appProxy answers 400 when the signature is wrong. The form
// (URL-encoded, see extensions/restock-signup) is read with a byte limit: 413 past it.
// Rate-limited per shopper address here and per number in the domain (429, nothing written).
export async function action({ request }: ActionFunctionArgs) {
  await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const shop = await db.shop.findUnique({
    where: { domain: url.searchParams.get("shop") ?? "" },
    select: { id: true, uninstalledAt: true },
  });
  if (!shop || shop.uninstalledAt)
    return Response.json({ error: "this store does not use SMS alerts" }, { status: 404 });
  const now = clock.now();
  if (!(await storefrontIpAllowed(db, { shopId: shop.id, ip: clientIp(request), now }))) return tooManyRequests();
  const body = await readBoundedBody(request, BODY_LIMITS.appProxy);
  if (!body.ok) return payloadTooLarge(body.limit);
  const form = RestockSignup.safeParse(Object.fromEntries(new URLSearchParams(body.text)));
  if (!form.success)
    return Response.json({ error: form.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  const result = await signUpForRestock(db, {
    shopId: shop.id,
    form: form.data,
    loggedInCustomerId: url.searchParams.get("logged_in_customer_id") || null,
    now,
  });
  if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
  return Response.json({ ok: true, message: "Thanks! We'll text you when it's back. Reply STOP to opt out." });
}
