import { assertUnreachable } from "../assert-unreachable";
import { ZodError } from "zod";
import type { Db } from "../db.server";
import { isPostgres } from "../db/update-rows.server";
import type { CustomerPayload, OrderPayload } from "../shopify-payloads";
import { syncCustomer, type Provenance } from "../commerce/customers.server";
import { syncOrder } from "../commerce/orders.server";
import { syncCheckout, syncedCheckoutToken } from "../commerce/checkouts.server";
import { syncInventoryLevel, syncProduct } from "../commerce/products.server";
import { replaceProductCollections } from "../commerce/product-collections.server";
import { log } from "../observability/log.server";
import { afterConsentChanges } from "../consent/after-change.server";
import type { JsonlGroup } from "./jsonl";
import { checkoutFromNode, customerFromNode, inventoryLevelsFromNode, orderFromNode, productFromNode } from "./map";
import type { SyncResource } from "./resources";
import { writeCustomerBatch } from "./write-customers.server";
import { writeOrderBatch } from "./write-orders.server";

export interface BatchInput {
  shopId: string;
  syncRunId: string;
  resource: SyncResource;
  groups: JsonlGroup[];
  receivedAt: Date;
}

/**
 * Writes a batch of root objects. Customers and orders (nearly all of a store's rows) go
 * through the batch writers, a few statements per table per batch; the other resources
 * (products, inventory, checkouts: far fewer rows) one object at a time through applyGroup.
 * Returns how many root objects were written and how many failed their schema.
 */
export async function applyBatch(db: Db, o: BatchInput): Promise<{ applied: number; skipped: number }> {
  const from: Provenance = {
    topic: `sync/${o.resource}`,
    receivedAt: o.receivedAt,
    customerIsReference: true,
    syncRunId: o.syncRunId,
    history: true,
    consentChanges: [],
  };
  if (o.resource === "customers" || o.resource === "orders") {
    const payloads = o.groups.flatMap((g) => {
      const parsed = checked(o, () =>
        o.resource === "customers" ? customerFromNode(g.node) : orderFromNode(g.node, g.children),
      );
      return parsed ? [parsed] : [];
    });
    if (o.resource === "customers")
      await writeCustomerBatch({ db, shopId: o.shopId, payloads: payloads as CustomerPayload[], from });
    // The order figures: once for the shop after the last batch (sync/run), not per batch.
    else
      await writeOrderBatch({
        db,
        shopId: o.shopId,
        payloads: payloads as OrderPayload[],
        from,
        deferOrderStats: true,
      });
    await consentFollowUp(db, from);
    return { applied: payloads.length, skipped: o.groups.length - payloads.length };
  }
  let applied = 0;
  for (const group of o.groups) if (await applyGroup(db, { ...o, group })) applied++;
  return { applied, skipped: o.groups.length - applied };
}

/** The tables a resource's batch writer fills (and, for orders, the bare customers it may add). */
const WRITTEN_TABLES: Partial<Record<SyncResource, string[]>> = {
  customers: ["Customer", "ConsentEvent"],
  orders: ["Order", "OrderLine", "Customer"],
};

/**
 * PostgreSQL: statistics for the tables a resource fills, taken once after its first batch.
 * On a first sync they are empty (never analysed) while they grow from nothing to the store's
 * size faster than autovacuum looks at them, and the batch writers' lookups are planned from
 * that emptiness. Sampling the first batch is enough: the planner scales row counts by the
 * table's current size, and what it lacks is the shape (one shop, distinct Shopify ids).
 * SQLite plans these lookups by their indexes without statistics.
 */
export async function analyzeWrittenTables(db: Db, resource: SyncResource): Promise<void> {
  const tables = WRITTEN_TABLES[resource];
  if (!tables || !isPostgres()) return;
  await db.$executeRawUnsafe(`ANALYZE ${tables.map((t) => `"${t}"`).join(", ")}`);
}

/** A node mapped to its payload, or null (logged) when it is not in the expected shape. */
function checked<T>(o: { shopId: string; resource: SyncResource }, map: () => T): T | null {
  try {
    return map();
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    logSkipped(o, error);
    return null;
  }
}

function logSkipped(o: { shopId: string; resource: SyncResource }, error: ZodError) {
  // Field paths only: the values are shoppers' data.
  log.warn("sync line skipped: not in the expected shape", {
    shopId: o.shopId,
    resource: o.resource,
    issues: error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).join("; "),
  });
}

/**
 * Writes one root object (with its children) of a bulk result through the same commerce
 * writers webhooks use: newest `updatedAt` wins either way, so a webhook newer than the
 * snapshot is kept and an older one does not undo it. Nothing here re-evaluates segments or
 * starts flows: the sync computes segments once at the end (run.server.ts).
 * Returns false for a line that failed its schema (counted and logged, never fatal).
 */
export async function applyGroup(
  db: Db,
  o: { shopId: string; syncRunId: string; resource: SyncResource; group: JsonlGroup; receivedAt: Date },
): Promise<boolean> {
  const { shopId, resource, group } = o;
  const from: Provenance = {
    topic: `sync/${resource}`,
    receivedAt: o.receivedAt,
    customerIsReference: true,
    syncRunId: o.syncRunId,
    history: true,
    consentChanges: [],
  };
  try {
    switch (resource) {
      case "products": {
        const { product, collections } = productFromNode(group.node, group.children);
        await syncProduct(db, shopId, product);
        const row = await db.product.findUniqueOrThrow({
          where: { shopId_shopifyId: { shopId, shopifyId: product.id } },
          select: { id: true },
        });
        await replaceProductCollections(db, { shopId, productId: row.id }, collections);
        return true;
      }
      case "inventory":
        for (const level of inventoryLevelsFromNode(group.node, group.children))
          await syncInventoryLevel(db, shopId, level);
        return true;
      case "customers":
        await syncCustomer({ db, shopId, payload: customerFromNode(group.node), from });
        return true;
      case "orders":
        await syncOrder({ db, shopId, payload: orderFromNode(group.node, group.children), from });
        return true;
      case "checkouts": {
        const payload = checkoutFromNode(group.node, group.children, syncedCheckoutToken);
        // A checkout we already hold (from its webhooks) keeps its token.
        const known = await db.checkout.findFirst({
          where: { shopId, shopifyId: payload.id },
          select: { token: true },
        });
        await syncCheckout({ db, shopId, payload: known ? { ...payload, token: known.token } : payload, from });
        return true;
      }
      default:
        return assertUnreachable(resource);
    }
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    logSkipped(o, error);
    return false;
  } finally {
    await consentFollowUp(db, from);
  }
}

/**
 * What follows the consent facts a sync's writers recorded (an opt-out cancels the customer's
 * pending texts, in one statement for a batch): old facts, so no texts and no write-back;
 * segments are computed once at the end of the sync.
 */
async function consentFollowUp(db: Db, from: Provenance) {
  await afterConsentChanges(
    { db },
    (from.consentChanges ?? []).map((change) => ({ ...change, deferSegments: true })),
  );
}
