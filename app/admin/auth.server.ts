import { authenticate } from "../runtime/shopify.server";
import db from "../db.server";
import { ensureShop } from "../commerce/shops.server";
import { withDevSessionToken } from "./dev-login.server";

/**
 * Every admin loader and action starts here: Shopify's session-token check
 * (`authenticate.admin`), then the shop row of the token's shop. Pages query with
 * `shop.id` only, so a token for shop B can never reach shop A's rows: lookups by id
 * include the shop and answer 404 when the row belongs to someone else.
 */
export async function requireShop(request: Request) {
  const context = await authenticate.admin(await withDevSessionToken(request));
  const shop = await ensureShop(db, context.session.shop);
  return { ...context, shop };
}

export type AdminContext = Awaited<ReturnType<typeof requireShop>>;

/** 404 for a row that does not exist in this shop (never "forbidden": that would confirm it exists). */
export function notFound(what: string): never {
  throw new Response(`${what} not found`, { status: 404 });
}
