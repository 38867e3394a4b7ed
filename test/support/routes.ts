import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { action as orders } from "../../app/routes/webhooks.orders";
import { action as bulkOperations } from "../../app/routes/webhooks.bulk_operations";
import { action as checkouts } from "../../app/routes/webhooks.checkouts";
import { action as customers } from "../../app/routes/webhooks.customers";
import { action as marketingConsent } from "../../app/routes/webhooks.customers_marketing_consent";
import { action as products } from "../../app/routes/webhooks.products";
import { action as inventory } from "../../app/routes/webhooks.inventory_levels";
import { action as compliance } from "../../app/routes/webhooks.compliance";
import { action as uninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as shopUpdate } from "../../app/routes/webhooks.shop";

type Action = typeof orders;

/** The app's webhook routes by URL path, as Remix's flat routes map them. */
export const WEBHOOK_ROUTES: Record<string, Action> = {
  "/webhooks/orders": orders,
  "/webhooks/checkouts": checkouts,
  "/webhooks/customers": customers,
  "/webhooks/customers_marketing_consent": marketingConsent,
  "/webhooks/products": products,
  "/webhooks/inventory_levels": inventory,
  "/webhooks/compliance": compliance,
  "/webhooks/app/uninstalled": uninstalled,
  "/webhooks/bulk_operations": bulkOperations,
  "/webhooks/shop": shopUpdate,
};

export const actionArgs = (request: Request) => ({ request, params: {}, context: {} });

/**
 * Serves the real webhook route actions over HTTP on 127.0.0.1 (node:http → Fetch Request →
 * action → response), the way the Remix server adapter does, so the simulated store and the
 * benchmark can post real signed requests to them. `routes` swaps in other actions at the same
 * paths (the benchmark's framework floor).
 */
export async function startWebhookServer(
  routes: Record<string, Action> = WEBHOOK_ROUTES,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const action = routes[new URL(req.url ?? "/", "http://x").pathname];
      if (!action || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      const response = await action(actionArgs(await toRequest(req)));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  // Longer than the clients' idle keep-alive, so a pooled connection is never closed under
  // a request that is being sent on it (that surfaces as ECONNRESET in fetch).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** As @remix-run/node's adapter does: the body is a stream the route reads (or refuses) itself. */
async function toRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  return new Request(new URL(req.url ?? "/", `http://${req.headers.host}`), {
    method: req.method,
    headers,
    body: createReadableStreamFromReadable(req),
    duplex: "half",
  } as RequestInit);
}
