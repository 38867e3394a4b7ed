import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DAY } from "../app/clock";
import { bulkResult, startAdminApiStandIn, type StoreLines } from "../dev/simulator/admin-api/server";
import { SYNC_RESOURCES, type SyncResource } from "../app/sync/resources";

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL("..", import.meta.url)); // `--import tsx` resolves from here

/**
 * The Admin API stand-in serving the sync bench's synthetic store from a process of its own, as
 * Shopify does, with every result file built before the bench's clock starts: Shopify runs a
 * bulk query on its own servers. Until 2026-12-03 the stand-in built and serialised each
 * resource's lines in the bench's process when the sync started its bulk query, and the
 * customers/s row counted that (Shopify's work, ~12 % of the customers and orders phases at
 * 100k) as the app's. `close` stops it.
 */
export async function startStandInProcess(o: {
  shop: string;
  customers: number;
  now: Date;
}): Promise<{ origin: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", SCRIPT, "--serve", o.shop, String(o.customers), o.now.toISOString()],
    { cwd: ROOT, stdio: ["ignore", 2, 2, "ipc"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { origin: string }).origin));
    child.once("exit", (code, signal) =>
      reject(new Error(`the stand-in exited before it started (${code ?? signal})`)),
    );
  });
  return {
    origin,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

// The child: serve the store until the bench stops it (or goes away: its IPC channel closes).
if (process.argv[2] === "--serve") {
  const [shop, customers, now] = process.argv.slice(3);
  const store = syntheticStore(Number(customers), new Date(now!));
  // Every result file built before the bench's clock starts (the store ignores the orders' window).
  const results = new Map(SYNC_RESOURCES.map((resource) => [resource, bulkResult(store.lines(resource, {}))]));
  const standIn = await startAdminApiStandIn({
    stores: { [shop!]: { ...store, result: (resource) => results.get(resource)! } },
  });
  const stop = () => void standIn.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("disconnect", stop);
  process.send!({ origin: standIn.origin });
}

/** A store of n customers, built straight in the bulk result's shapes (no webhook history to fold). */
function syntheticStore(n: number, now: Date): StoreLines {
  const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();
  const products = Array.from({ length: 20 }, (_, i) => ({ id: 9_000_000 + i, variant: 9_100_000 + i }));
  return {
    lines(resource: SyncResource) {
      switch (resource) {
        case "products":
          return products.flatMap((p, i) => [
            {
              id: gid("Product", p.id),
              title: `Product ${i}`,
              handle: `p-${i}`,
              productType: i % 2 ? "Coffee" : "Tea",
              vendor: "Bench",
              status: "ACTIVE",
              updatedAt: at(400),
            },
            {
              id: gid("ProductVariant", p.variant),
              title: "Default",
              sku: null,
              price: "20.00",
              inventoryQuantity: 5,
              inventoryPolicy: "DENY",
              updatedAt: at(400),
              inventoryItem: null,
              __parentId: gid("Product", p.id),
            },
          ]);
        case "customers":
          return Array.from({ length: n }, (_, i) => ({
            id: gid("Customer", 1_000_000 + i),
            email: `c${i}@example.com`,
            phone: `+1415${String(2_000_000 + i).padStart(7, "0")}`,
            firstName: "Bench",
            lastName: String(i),
            tags: [],
            createdAt: at(700),
            updatedAt: at(5),
            defaultAddress: { countryCodeV2: "US", provinceCode: "CA", city: "San Francisco", phone: null },
            smsMarketingConsent:
              i % 3 === 0
                ? null
                : {
                    marketingState: "SUBSCRIBED",
                    marketingOptInLevel: "SINGLE_OPT_IN",
                    consentUpdatedAt: at(30),
                    consentCollectedFrom: "SHOPIFY",
                  },
          }));
        case "orders":
          return Array.from({ length: n }, (_, i) => i).flatMap((i) =>
            Array.from({ length: i % 3 }, (_, k) => {
              const id = 5_000_000 + i * 3 + k;
              const p = products[(i + k) % products.length]!;
              const order = {
                id: gid("Order", id),
                name: `#${id}`,
                createdAt: at(10 + ((i * 7 + k * 31) % 600)),
                processedAt: at(10 + ((i * 7 + k * 31) % 600)),
                updatedAt: at(5),
                cancelledAt: null,
                currencyCode: "USD",
                displayFinancialStatus: "PAID",
                discountCodes: [],
                totalPriceSet: { shopMoney: { amount: "20.00", currencyCode: "USD" } },
                customer: { id: gid("Customer", 1_000_000 + i) },
              };
              const line = {
                id: gid("LineItem", id * 10),
                title: "Item",
                vendor: "Bench",
                quantity: 1,
                originalUnitPriceSet: { shopMoney: { amount: "20.00", currencyCode: "USD" } },
                product: { id: gid("Product", p.id) },
                variant: { id: gid("ProductVariant", p.variant) },
                __parentId: order.id,
              };
              return [order, line];
            }).flat(),
          );
        case "inventory":
        case "checkouts":
          return [];
      }
    },
  };
}
