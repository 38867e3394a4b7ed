import { API_VERSION } from "../api-version";
import { AdminApiError, NoAdminAccess, type AdminGraphql } from "./graphql.server";

interface Cost {
  requestedQueryCost?: number;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * How long to wait before the next query so the shop's cost bucket has room for one like the
 * last (Shopify's leaky bucket: `extensions.cost.throttleStatus` after every answer).
 */
export function throttleDelayMs(cost: Cost | undefined): number {
  const status = cost?.throttleStatus;
  const need = cost?.requestedQueryCost ?? 0;
  if (!status || status.restoreRate <= 0 || status.currentlyAvailable >= need) return 0;
  return Math.ceil(((need - status.currentlyAvailable) / status.restoreRate) * 1000);
}

/**
 * An Admin GraphQL client over plain HTTP, for an Admin API at another address: the local
 * stand-in (`dev/simulator/admin-api/`) in the demo and the tests. Waits as the cost headers
 * say before the next call. Production uses `runtime/shopify-admin-graphql.server` (the Shopify library).
 */
export function httpAdminGraphql(o: {
  origin: string;
  accessToken: string;
  sleep?: (ms: number) => Promise<void>;
}): AdminGraphql {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const waitUntil = new Map<string, number>();
  return async <T>(shop: string, query: string, variables?: Record<string, unknown>) => {
    const wait = (waitUntil.get(shop) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    const response = await fetch(`${o.origin}/shops/${shop}/admin/api/${API_VERSION}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": o.accessToken },
      body: JSON.stringify({ query, variables }),
    });
    // 401/403: no token or no access for this call; callers treat it as "no Admin API here".
    if (response.status === 401 || response.status === 403)
      throw new NoAdminAccess(`Admin API answered ${response.status} for ${shop}`);
    if (!response.ok) throw new AdminApiError(`Admin API answered ${response.status} for ${shop}`);
    const body = (await response.json()) as { data?: T; errors?: unknown; extensions?: { cost?: Cost } };
    waitUntil.set(shop, Date.now() + throttleDelayMs(body.extensions?.cost));
    if (body.errors || !body.data)
      throw new AdminApiError(`Admin API error for ${shop}: ${JSON.stringify(body.errors ?? "no data").slice(0, 500)}`);
    return body.data;
  };
}
