import { createHmac } from "node:crypto";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";

/**
 * A storefront request as Shopify's app proxy forwards it: the shopper's form body, and
 * a query with shop, path_prefix, timestamp, logged_in_customer_id and `signature` =
 * hex(HMAC-SHA256(app secret, the other parameters sorted, each "key=value", joined)).
 */
export function appProxyRequest(
  path: string,
  shop: string,
  form: Record<string, string>,
  o: { customerId?: string; secret?: string; method?: "GET" | "POST" } = {},
): Request {
  const params: Record<string, string> = {
    shop,
    path_prefix: "/apps/sms",
    timestamp: String(Math.floor(Date.now() / 1000)),
    logged_in_customer_id: o.customerId ?? "",
  };
  const message = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("");
  const signature = createHmac("sha256", o.secret ?? API_SECRET_KEY)
    .update(message)
    .digest("hex");
  const query = new URLSearchParams({ ...params, signature });
  if (o.method === "GET") return new Request(`https://my-test-app.myshopify.io${path}?${query}`);
  return new Request(`https://my-test-app.myshopify.io${path}?${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}
