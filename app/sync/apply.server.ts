import { ZodError } from "zod";
import type { Db } from "../db.server";
import { syncCustomer, type Provenance } from "../commerce/customers.server";
import { syncOrder } from "../commerce/orders.server";
import { syncCheckout } from "../commerce/checkouts.server";
import { syncInventoryLevel, syncProduct } from "../commerce/products.server";
import { replaceProductCollections } from "../commerce/product-collections.server";
import { log } from "../observability/log.server";
import type { JsonlGroup } from "./jsonl";
import { checkoutFromNode, customerFromNode, inventoryLevelsFromNode, orderFromNode, productFromNode } from "./map";
import type { SyncResource } from "./resources";

/**
 * Writes one root object (with its children) of a bulk result through the same commerce
 * writers webhooks use: newest `updatedAt` wins either way, so a webhook newer than the
 * snapshot is kept and an older one does not undo it. Nothing here re-evaluates segments or
 * starts flows: the sync computes segments once at the end (run.server.ts).
 * Returns false for a line that failed its schema (counted and logged, never fatal).
 */
export async function applyGroup(
  db: Db,
  o: { shopId: string; resource: SyncResource; group: JsonlGroup; receivedAt: Date },
): Promise<boolean> {
  const { shopId, resource, group } = o;
  const from: Provenance = { topic: `sync/${resource}`, receivedAt: o.receivedAt, customerIsReference: true };
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
        await syncCustomer(db, shopId, customerFromNode(group.node), from);
        return true;
      case "orders":
        await syncOrder(db, shopId, orderFromNode(group.node, group.children), from);
        return true;
      case "checkouts": {
        const payload = checkoutFromNode(group.node, group.children, (id) => `bulk:${id}`);
        // A checkout we already hold (from its webhooks) keeps its token.
        const known = await db.checkout.findFirst({
          where: { shopId, shopifyId: payload.id },
          select: { token: true },
        });
        await syncCheckout(db, shopId, known ? { ...payload, token: known.token } : payload, from);
        return true;
      }
    }
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    // Field paths only: the values are shoppers' data.
    log.warn("sync line skipped: not in the expected shape", {
      shopId,
      resource,
      issues: error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).join("; "),
    });
    return false;
  }
}
