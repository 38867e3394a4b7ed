import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { sessionStorage } from "../runtime/shopify.server";
import db from "../db.server";
import { ensureShop } from "../commerce/shops.server";
import {
  devLoginCookie,
  devLoginEnabled,
  devOfflineSession,
  holdsRealOfflineSession,
  isShopDomain,
} from "../admin/dev-login.server";

// Development only (DEV_ADMIN_LOGIN=1 on a loopback app URL or the demo secret, never in
// production, never for a shop installed through Shopify): /dev/login?shop=demo-store.myshopify.com
// signs this browser in as that shop and opens the admin pages. See README, "Demo".
export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!devLoginEnabled()) throw new Response("Not found", { status: 404 });
  const shop = new URL(request.url).searchParams.get("shop") ?? "demo-store.myshopify.com";
  if (!isShopDomain(shop)) throw new Response("shop must be a *.myshopify.com domain", { status: 400 });
  if (await holdsRealOfflineSession(shop))
    throw new Response("this shop is installed through Shopify: the development login never opens it", {
      status: 403,
    });
  if (!(await sessionStorage.loadSession(`offline_${shop}`)))
    await sessionStorage.storeSession(devOfflineSession(shop));
  await ensureShop(db, shop);
  return redirect("/app", { headers: { "Set-Cookie": devLoginCookie(shop) } });
};
