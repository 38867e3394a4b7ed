import { z } from "zod";
import type { AppServices } from "../services";
import { handleFlowEvent } from "../flows/engine.server";
import { applyShopUpdate, ShopUpdatePayload } from "../commerce/shop-facts.server";
import { QUEUES } from "../jobs/queue.server";
import { attributeOrder } from "../attribution/attribute.server";
import { countRedemptions } from "../discounts/discount-codes.server";
import { installedShop } from "../commerce/shops.server";
import { markCustomerDeleted, syncCustomer } from "../commerce/customers.server";
import { syncOrder } from "../commerce/orders.server";
import { syncCheckout } from "../commerce/checkouts.server";
import { applyMarketingConsentUpdate } from "../commerce/shopify-consent.server";
import { afterConsentChange, type ConsentChange } from "../consent/after-change.server";
import { markProductDeleted, syncInventoryLevel, syncProduct } from "../commerce/products.server";
import { restockedWatches } from "../commerce/restock-watches.server";
import { exportCustomerData, redactCustomer, redactShop, uninstallShop } from "../privacy/gdpr.server";
import { refreshSegmentsFor } from "../segments/refresh.server";
import { bulkOperationFinished } from "../sync/run.server";
import { heldBySync } from "../sync/held-webhooks.server";
import {
  BulkOperationFinishPayload,
  CheckoutPayload,
  CustomerPayload,
  CustomersRedactPayload,
  DataRequestPayload,
  DeletePayload,
  InventoryLevelPayload,
  MarketingConsentPayload,
  OrderPayload,
  ProductPayload,
} from "../shopify-payloads";
import { parseShopifyJson } from "./json";
import { log } from "../observability/log.server";
import type { Db } from "../db.server";

export type ProcessOutcome = "processed" | "skipped" | "rejected" | "held" | "ignored";

/**
 * The worker side of a webhook: mirror the state, then re-evaluate the segments of the one
 * customer it touched (held instead while the shop's day-one sync runs; `replaying` is the
 * sync applying it afterwards). Idempotent: reprocessing an inbox row (after a crash) converges to
 * the same state. A payload that fails its schema is marked REJECTED and not retried. A webhook
 * for a shop the app holds no row for is IGNORED (see `ignore`); app/uninstalled and
 * shop/redact only ever delete, so they run for any shop.
 */
export async function processWebhook(
  deps: AppServices,
  inboxId: string,
  o: { replaying?: boolean } = {},
): Promise<ProcessOutcome> {
  const { db, clock } = deps;
  const row = await db.webhookInbox.findUnique({ where: { id: inboxId } });
  if (!row || row.status === "PROCESSED" || row.status === "REJECTED" || row.status === "IGNORED") return "skipped";
  const now = clock.now();
  // Shopify's own time for the event when it says; a consent without a date is dated by it.
  const from = {
    topic: row.topic,
    inboxId: row.id,
    receivedAt: row.triggeredAt ?? row.receivedAt,
    consentChanges: [] as ConsentChange[],
  };
  try {
    const body = parseShopifyJson(row.payload);
    let customerId: string | null = null;
    let restocked: Awaited<ReturnType<typeof restockedWatches>> = [];
    let order: OrderPayload | null = null;
    let restockAt: Date | null = null;
    if (row.topic === "shop/redact") {
      await redactShop(db, row.shopDomain, row.id);
    } else if (row.topic === "app/uninstalled") {
      await uninstallShop(db, row.shopDomain, now);
    } else {
      const shop = await installedShop(db, row.shopDomain);
      if (!shop) return await ignore(db, row, now);
      // While the shop's sync runs, commerce webhooks wait (RECEIVED) and the sync applies
      // them in order at its end (app/sync/held-webhooks.server.ts). A row that already
      // failed once is its retry's, not held again.
      if (!o.replaying && row.status === "RECEIVED" && (await heldBySync(db, shop.id, row.topic))) return "held";
      switch (row.topic) {
        case "customers/create":
        case "customers/update":
          customerId = await syncCustomer(db, shop.id, CustomerPayload.parse(body), from);
          break;
        case "customers_marketing_consent/update":
          customerId = await applyMarketingConsentUpdate(db, shop.id, MarketingConsentPayload.parse(body), from);
          break;
        case "customers/delete":
          customerId = await markCustomerDeleted(db, shop.id, DeletePayload.parse(body).id, row.triggeredAt ?? now);
          break;
        case "orders/create":
        case "orders/updated":
        case "orders/paid":
        case "orders/cancelled":
          order = OrderPayload.parse(body);
          customerId = await syncOrder(db, shop.id, order, from);
          break;
        case "checkouts/create":
        case "checkouts/update":
          customerId = await syncCheckout(db, shop.id, CheckoutPayload.parse(body), from);
          break;
        case "products/create":
        case "products/update":
          {
            const product = ProductPayload.parse(body);
            await syncProduct(db, shop.id, product);
            // Collections are not in the payload: fetched from the Admin API by a job.
            await deps.queue.enqueue(
              QUEUES.syncProductCollections,
              { shopId: shop.id, productShopifyId: product.id },
              { dedupeKey: `collections:${shop.id}:${product.id}:${row.id}` },
            );
          }
          break;
        case "products/delete":
          await markProductDeleted(db, shop.id, DeletePayload.parse(body).id, row.triggeredAt ?? now);
          break;
        case "inventory_levels/update":
          {
            const level = InventoryLevelPayload.parse(body);
            await syncInventoryLevel(db, shop.id, level);
            restocked = await restockedWatches(db, shop.id, level.inventory_item_id, now);
            restockAt = level.updated_at;
          }
          break;
        case "bulk_operations/finish":
          await bulkOperationFinished(deps, shop.id, BulkOperationFinishPayload.parse(body).admin_graphql_api_id);
          break;
        case "shop/update":
          await applyShopUpdate(db, shop.id, ShopUpdatePayload.parse(body));
          await deps.queue.enqueue(
            QUEUES.syncShopFacts,
            { shopDomain: row.shopDomain },
            { dedupeKey: `shop-facts:${row.shopDomain}:${row.id}` },
          );
          break;
        case "customers/redact":
          await redactCustomer({
            db,
            shopId: shop.id,
            shopDomain: row.shopDomain,
            payload: CustomersRedactPayload.parse(body),
            at: now,
            inboxId: row.id,
          });
          break;
        case "customers/data_request":
          await exportCustomerData(db, shop.id, DataRequestPayload.parse(body));
          break;
        default:
          throw new z.ZodError([
            { code: "custom", path: ["topic"], message: `unsupported topic ${row.topic}`, input: row.topic },
          ]);
      }
      // What follows the consent facts the writers recorded (texts, cancellations, suppression);
      // segments next, once, for the customers the webhook touched (who hold those facts).
      for (const change of from.consentChanges) await afterConsentChange(deps, { ...change, deferSegments: true });
      // Every customer the event touched (a restock can touch many) in one set-based refresh.
      await refreshSegmentsFor({
        db,
        shopId: shop.id,
        customerIds: [...(customerId ? [customerId] : []), ...restocked.map((w) => w.customerId)],
        now,
        cause: { cause: "webhook", ref: row.id },
      });
      // Commerce events for flows (membership events reach them through the segment engine).
      if (order && customerId) {
        const mirrored = await db.order.findUniqueOrThrow({
          where: { shopId_shopifyId: { shopId: shop.id, shopifyId: order.id } },
          select: { id: true, customerId: true, totalPrice: true, processedAt: true, cancelledAt: true },
        });
        await attributeOrder({ db, shopId: shop.id, order: mirrored, settings: shop.settings });
        await countRedemptions(
          db,
          shop.id,
          order.discount_codes.map((d) => d.code),
        );
        if (row.topic === "orders/create" && !mirrored.cancelledAt) {
          await handleFlowEvent(
            deps,
            {
              type: "order_placed",
              shopId: shop.id,
              customerId,
              orderId: mirrored.id,
              at: mirrored.processedAt ?? now,
              occurredAt: mirrored.processedAt ?? now,
              key: `order:${mirrored.id}`,
            },
            now,
          );
        }
      }
      for (const w of restocked) {
        await handleFlowEvent(
          deps,
          {
            type: "back_in_stock",
            shopId: shop.id,
            customerId: w.customerId,
            variantShopifyId: w.variantShopifyId,
            watchId: w.id,
            key: `restock:${w.id}:${w.restockedAt.getTime()}`,
            occurredAt: restockAt ?? w.restockedAt,
          },
          now,
        );
      }
    }
    await db.webhookInbox.update({
      where: { id: row.id },
      data: {
        status: "PROCESSED",
        processedAt: now,
        error: null,
        attempts: { increment: 1 },
        // A redaction request names the shopper it erased: its own body goes once it is done.
        ...(row.topic === "customers/redact" ? bodyEmptied(now) : {}),
      },
    });
    return "processed";
  } catch (error) {
    if (error instanceof z.ZodError || error instanceof SyntaxError) {
      const reason =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")
          : error.message;
      await db.webhookInbox.update({
        where: { id: row.id },
        data: { status: "REJECTED", error: reason.slice(0, 2000), attempts: { increment: 1 } },
      });
      return "rejected";
    }
    const message = error instanceof Error ? error.message : String(error);
    await db.webhookInbox.update({
      where: { id: row.id },
      data: { status: "FAILED", error: message.slice(0, 2000), attempts: { increment: 1 } },
    });
    throw error; // the job queue retries with backoff
  }
}

/** An inbox row reduced to its record and duplicate guard: the body and who it names go. */
const bodyEmptied = (now: Date) => ({ payload: "", payloadPrunedAt: now, subjects: { deleteMany: {} } });

export const NOT_INSTALLED =
  "the app is not installed in this shop (never installed, or erased by shop/redact): nothing written";

/**
 * A webhook for a shop the app holds no row for (never installed there, or erased by
 * shop/redact): Shopify already has its 200 (the route answered on storing it), so it is not
 * retried; nothing is created from it, since a shop exists only through an install
 * (commerce/shops `installShop`); its body (shoppers' data the app has no business keeping) is
 * emptied at once with its subject index, and the row stays as the record and the duplicate
 * guard. Logged with ids only.
 */
async function ignore(db: Db, row: { id: string; topic: string; shopDomain: string; webhookId: string }, now: Date) {
  await db.webhookInbox.update({
    where: { id: row.id },
    data: {
      status: "IGNORED",
      error: NOT_INSTALLED,
      processedAt: now,
      attempts: { increment: 1 },
      ...bodyEmptied(now),
    },
  });
  log.warn("webhook ignored: shop not installed", {
    topic: row.topic,
    shop: row.shopDomain,
    webhookId: row.webhookId,
    inboxId: row.id,
  });
  return "ignored" as const;
}
