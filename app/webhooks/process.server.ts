import { z } from "zod";
import { MINUTE } from "../clock";
import type { AppServices } from "../services";
import { handleFlowEvents, type FlowEvent } from "../flows/engine.server";
import { applyShopUpdate, ShopUpdatePayload } from "../commerce/shop-facts.server";
import { QUEUES } from "../jobs/queue.server";
import { attributeOrders, type AttributionWindows } from "../attribution/attribute.server";
import { countRedemptions } from "../discounts/discount-codes.server";
import { installedShop } from "../commerce/shops.server";
import { markCustomerDeleted, syncCustomer, type Provenance } from "../commerce/customers.server";
import { syncOrder, type OrderWritten } from "../commerce/orders.server";
import { syncCheckout } from "../commerce/checkouts.server";
import { applyMarketingConsentUpdate } from "../commerce/shopify-consent.server";
import { afterConsentChanges, type ConsentChange } from "../consent/after-change.server";
import { markProductDeleted, syncInventoryLevel, syncProduct } from "../commerce/products.server";
import { applyLevelToWatches, watchesToTell, type RestockedWatch } from "../commerce/restock-watches.server";
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
import { isDomainTopic, isTopic, type DomainTopic, type ShopTopic, type Topic } from "../shopify-topics";
import { parseShopifyJson } from "./json";
import { log } from "../observability/log.server";
import type { Db } from "../db.server";

export type ProcessOutcome = "processed" | "skipped" | "rejected" | "held" | "ignored";

export type InboxRow = {
  id: string;
  topic: string;
  shopDomain: string;
  webhookId: string;
  triggeredAt: Date | null;
  receivedAt: Date;
  status: string;
  payload: string;
};

/** What a topic's writer hands to the follow-up step. */
export interface Written {
  /** Customers whose facts changed: their segments are refreshed (one set-based refresh). */
  customerIds: string[];
  /** An order mirrored: attribution, discount redemptions and, when new, the order_placed flow event. */
  order?: OrderWritten["order"] & { customerId: string | null; discountCodes: string[] };
  /** Restock watches restocked and not told yet (an inventory update, a late checkout): a back_in_stock flow event each. */
  restocked?: RestockedWatch[];
}

export interface WriteContext {
  deps: AppServices;
  shopId: string;
  settings: AttributionWindows;
  row: InboxRow;
  from: Provenance & { consentChanges: ConsentChange[] };
  now: Date;
  body: unknown;
}

/** What a writer gets for a stored row of an installed shop (one at a time or in a batch). */
export const writeContext = (c: {
  deps: AppServices;
  shop: { id: string; settings: AttributionWindows };
  row: InboxRow;
  now: Date;
  body: unknown;
}): WriteContext => ({
  deps: c.deps,
  shopId: c.shop.id,
  settings: c.shop.settings,
  row: c.row,
  from: provenanceOf(c.row),
  now: c.now,
  body: c.body,
});

const nothing: Written = { customerIds: [] };
const touched = (customerId: string | null): Written => ({ customerIds: customerId ? [customerId] : [] });

async function writeOrder({ deps, shopId, from, body }: WriteContext): Promise<Written> {
  const payload = OrderPayload.parse(body);
  const { customerId, order, watchersChanged } = await syncOrder({ db: deps.db, shopId, payload, from });
  return {
    customerIds: [...new Set([...touched(customerId).customerIds, ...watchersChanged])],
    order: { ...order, customerId, discountCodes: payload.discount_codes.map((d) => d.code) },
  };
}

const writeCustomer = async ({ deps, shopId, from, body }: WriteContext) =>
  touched(await syncCustomer({ db: deps.db, shopId, payload: CustomerPayload.parse(body), from }));

async function writeCheckout({ deps, shopId, from, now, body }: WriteContext): Promise<Written> {
  const customerId = await syncCheckout({ db: deps.db, shopId, payload: CheckoutPayload.parse(body), from });
  if (!customerId) return nothing;
  // A checkout that arrives after the restock that followed it: its watch is restocked already.
  return {
    ...touched(customerId),
    restocked: await watchesToTell({ db: deps.db, shopId, now, customerIds: [customerId] }),
  };
}

async function writeProduct({ deps, shopId, row, body }: WriteContext): Promise<Written> {
  const product = ProductPayload.parse(body);
  await syncProduct(deps.db, shopId, product);
  // Collections are not in the payload: fetched from the Admin API by a job.
  await deps.queue.enqueue(
    QUEUES.syncProductCollections,
    { shopId, productShopifyId: product.id },
    { dedupeKey: `collections:${shopId}:${product.id}:${row.id}` },
  );
  return nothing;
}

/**
 * Each topic's writer: mirror what the payload says and return what it wrote. Typed by the one
 * topic list (app/shopify-topics.ts), so a topic added there without a writer does not compile.
 */
export const WRITERS: Record<ShopTopic, (ctx: WriteContext) => Promise<Written>> = {
  "orders/create": writeOrder,
  "orders/updated": writeOrder,
  "orders/paid": writeOrder,
  "orders/cancelled": writeOrder,
  "checkouts/create": writeCheckout,
  "checkouts/update": writeCheckout,
  "customers/create": writeCustomer,
  "customers/update": writeCustomer,
  "customers/delete": async ({ deps, shopId, row, now, body }) =>
    touched(
      await markCustomerDeleted({
        db: deps.db,
        shopId,
        shopifyId: DeletePayload.parse(body).id,
        at: row.triggeredAt ?? now,
      }),
    ),
  "customers_marketing_consent/update": async ({ deps, shopId, from, body }) =>
    touched(
      await applyMarketingConsentUpdate({
        db: deps.db,
        shopId,
        payload: MarketingConsentPayload.parse(body),
        origin: from,
      }),
    ),
  "products/create": writeProduct,
  "products/update": writeProduct,
  "products/delete": async ({ deps, shopId, row, now, body }) => {
    await markProductDeleted({
      db: deps.db,
      shopId,
      shopifyId: DeletePayload.parse(body).id,
      at: row.triggeredAt ?? now,
    });
    return nothing;
  },
  "inventory_levels/update": async ({ deps, shopId, now, body }) => {
    const level = InventoryLevelPayload.parse(body);
    await syncInventoryLevel(deps.db, shopId, level);
    const { variantIds, customerIds } = await applyLevelToWatches({
      db: deps.db,
      shopId,
      inventoryItemId: level.inventory_item_id,
      at: level.updated_at,
    });
    const restocked = await watchesToTell({ db: deps.db, shopId, now, variantShopifyIds: variantIds });
    return { customerIds: [...new Set([...customerIds, ...restocked.map((w) => w.customerId)])], restocked };
  },
  "bulk_operations/finish": async ({ deps, shopId, body }) => {
    await bulkOperationFinished(deps, shopId, BulkOperationFinishPayload.parse(body).admin_graphql_api_id);
    return nothing;
  },
  "shop/update": async ({ deps, shopId, row, body }) => {
    await applyShopUpdate(deps.db, shopId, ShopUpdatePayload.parse(body));
    await deps.queue.enqueue(
      QUEUES.syncShopFacts,
      { shopDomain: row.shopDomain },
      { dedupeKey: `shop-facts:${row.shopDomain}:${row.id}` },
    );
    return nothing;
  },
  "customers/redact": async ({ deps, shopId, row, now, body }) => {
    const payload = CustomersRedactPayload.parse(body);
    await redactCustomer({ db: deps.db, shopId, shopDomain: row.shopDomain, payload, at: now, inboxId: row.id });
    // The second pass (finishRedaction below) catches what a webhook in flight meanwhile wrote back.
    await deps.queue.enqueue(
      QUEUES.finishRedaction,
      { inboxId: row.id },
      { runAt: new Date(now.getTime() + REDACTION_SECOND_PASS_MS), dedupeKey: `finish-redaction:${row.id}` },
    );
    return nothing;
  },
  "customers/data_request": async ({ deps, shopId, body }) => {
    await exportCustomerData(deps.db, shopId, DataRequestPayload.parse(body));
    return nothing;
  },
};

/** The topics about a shop as a whole, handled by domain: the shop row may be gone or going. */
const DOMAIN_WRITERS: Record<DomainTopic, (deps: AppServices, row: InboxRow, now: Date) => Promise<void>> = {
  "shop/redact": ({ db }, row) => redactShop(db, row.shopDomain, row.id),
  "app/uninstalled": ({ db }, row, now) => uninstallShop(db, row.shopDomain, now),
};

/**
 * The one step after every writer: what follows the consent facts it recorded (texts,
 * cancellations, suppression), then segments, once, for every customer it touched, then the
 * commerce events flows start from (membership events reach flows through the segment engine).
 * A batch of a shop's rows (process-batch) runs the same three parts, the segments once for all.
 */
async function followUp(deps: AppServices, ctx: WriteContext, written: Written) {
  await consentFollowUp(deps, [ctx]);
  await refreshSegmentsFor({
    db: deps.db,
    shopId: ctx.shopId,
    customerIds: written.customerIds,
    now: ctx.now,
    cause: { cause: "webhook", ref: ctx.row.id },
  });
  await orderFollowUp(deps, [{ ctx, written }]);
  await handleFlowEvents(deps, flowEventsOf(ctx, written), ctx.now);
}

/**
 * What follows the consent facts the writers of these rows recorded, in the rows' order
 * (segments deferred to the refresh; a run of orders' opt-outs cancel their texts in one statement).
 */
export async function consentFollowUp(deps: AppServices, contexts: readonly WriteContext[]) {
  await afterConsentChanges(
    deps,
    contexts.flatMap((ctx) => ctx.from.consentChanges.map((change) => ({ ...change, deferSegments: true }))),
  );
}

/**
 * Orders mirrored (one row's, or a shop's batch's): the texts they are credited to, in one
 * attribution for all, and the discount codes they redeemed. An order written by several rows
 * is taken as the last of them left it, as one at a time would end.
 */
export async function orderFollowUp(deps: AppServices, rows: readonly { ctx: WriteContext; written: Written }[]) {
  const last = new Map<string, { ctx: WriteContext; order: NonNullable<Written["order"]> }>();
  for (const { ctx, written } of rows)
    if (written.order?.customerId) last.set(written.order.id, { ctx, order: written.order });
  const orders = [...last.values()];
  if (!orders.length) return;
  const { shopId, settings } = orders[0]!.ctx;
  await attributeOrders({ db: deps.db, shopId, orders: orders.map((o) => o.order), settings });
  for (const { order } of orders) await countRedemptions(deps.db, shopId, order.discountCodes);
}

/** The commerce events a row's writes start flows from: a new order, released restock watches. */
export function flowEventsOf({ shopId, row }: WriteContext, written: Written): FlowEvent[] {
  const events: FlowEvent[] = [];
  const order = written.order;
  if (order?.customerId && row.topic === "orders/create" && !order.cancelledAt)
    events.push({
      type: "order_placed",
      shopId,
      customerId: order.customerId,
      orderId: order.id,
      at: order.processedAt,
      occurredAt: order.processedAt,
      key: `order:${order.id}`,
    });
  for (const w of written.restocked ?? [])
    events.push({
      type: "back_in_stock",
      shopId,
      customerId: w.customerId,
      variantShopifyId: w.variantShopifyId,
      watchId: w.id,
      key: `restock:${w.id}:${w.restockedAt.getTime()}`,
      occurredAt: w.restockedAt,
    });
  return events;
}

/**
 * The worker side of a webhook: the topic's writer mirrors the state, then the follow-up step
 * (held instead while the shop's day-one sync runs; `replaying` is the sync applying it
 * afterwards). Idempotent: reprocessing an inbox row (after a crash) converges to the same
 * state. A payload that fails its schema, or a topic the app does not take, is marked REJECTED
 * and not retried. A webhook for a shop the app holds no row for is IGNORED (see `ignore`);
 * app/uninstalled and shop/redact only ever delete, so they run for any shop.
 */
export async function processWebhook(
  deps: AppServices,
  inboxId: string,
  o: { replaying?: boolean } = {},
): Promise<ProcessOutcome> {
  const { db, clock } = deps;
  const row = await db.webhookInbox.findUnique({ where: { id: inboxId } });
  if (!row || isSettled(row)) return "skipped";
  const now = clock.now();
  try {
    const { topic, body } = parsedRow(row);
    if (isDomainTopic(topic)) {
      await DOMAIN_WRITERS[topic](deps, row, now);
    } else {
      const shop = await installedShop(db, row.shopDomain);
      if (!shop) return await ignore(db, row, now);
      // While the shop's sync runs, commerce webhooks wait (RECEIVED) and the sync applies
      // them in order at its end (app/sync/held-webhooks.server.ts). A row that already
      // failed once is its retry's, not held again.
      if (!o.replaying && row.status === "RECEIVED" && (await heldBySync(db, shop.id, topic))) return "held";
      const ctx = writeContext({ deps, shop, row, now, body });
      await followUp(deps, ctx, await WRITERS[topic](ctx));
    }
    await markProcessed(db, [row.id], now);
    return "processed";
  } catch (error) {
    if (isInvalidPayload(error)) return await reject(db, row.id, error);
    const message = error instanceof Error ? error.message : String(error);
    await db.webhookInbox.update({
      where: { id: row.id },
      data: { status: "FAILED", error: message.slice(0, 2000), attempts: { increment: 1 } },
    });
    throw error; // the job queue retries with backoff
  }
}

/** A row already handled for good: processed, rejected or ignored (a FAILED or RECEIVED one is not). */
export const isSettled = (row: { status: string }) =>
  row.status === "PROCESSED" || row.status === "REJECTED" || row.status === "IGNORED";

/** The row's topic and parsed body; throws ZodError (a topic the app does not take) or SyntaxError. */
export function parsedRow(row: InboxRow): { topic: Topic; body: unknown } {
  const body = parseShopifyJson(row.payload);
  const topic = row.topic;
  if (!isTopic(topic)) {
    throw new z.ZodError([{ code: "custom", path: ["topic"], message: `unsupported topic ${topic}`, input: topic }]);
  }
  return { topic, body };
}

/** Where the facts a writer records came from: Shopify's own time for the event when it says (a consent without a date is dated by it). */
const provenanceOf = (row: InboxRow): WriteContext["from"] => ({
  topic: row.topic,
  inboxId: row.id,
  receivedAt: row.triggeredAt ?? row.receivedAt,
  consentChanges: [],
});

/** A payload that fails its schema or is not JSON: rejected, never retried. */
export const isInvalidPayload = (error: unknown): error is z.ZodError | SyntaxError =>
  error instanceof z.ZodError || error instanceof SyntaxError;

export async function reject(db: Db, rowId: string, error: z.ZodError | SyntaxError) {
  const reason =
    error instanceof z.ZodError
      ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")
      : error.message;
  await db.webhookInbox.update({
    where: { id: rowId },
    data: { status: "REJECTED", error: reason.slice(0, 2000), attempts: { increment: 1 } },
  });
  return "rejected" as const;
}

/** Rows whose writers and follow-ups all ran: one statement for a batch. */
export async function markProcessed(db: Db, rowIds: string[], now: Date) {
  const data = { status: "PROCESSED" as const, processedAt: now, error: null, attempts: { increment: 1 } };
  // One row by its key: Prisma sends updateMany through more machinery than an update.
  if (rowIds.length === 1) await db.webhookInbox.update({ where: { id: rowIds[0] }, data });
  else if (rowIds.length) await db.webhookInbox.updateMany({ where: { id: { in: rowIds } }, data });
}

/**
 * How long after a customers/redact its second pass runs. A worker that read a webhook naming
 * the shopper just before the redaction emptied that body can still be writing it (the
 * shopper's name back on their row, a guest checkout's number) after the first pass: nothing
 * serialises the two. Its job ends, or expires and is retried from its now emptied row, within
 * the job engine's 5-minute expiry; the second pass runs after that, with margin.
 */
export const REDACTION_SECOND_PASS_MS = 10 * MINUTE;

/**
 * customers/redact's second pass (QUEUES.finishRedaction): the same redaction again (it is
 * idempotent, and erases only what was written back since), then the request's own body is
 * emptied: it named the shopper, and was kept until now for this pass. A request not
 * processed (yet) is left to its processing, which queues this again; a shop erased meanwhile
 * (shop/redact) has nothing left to erase.
 */
export async function finishRedaction(deps: AppServices, inboxId: string): Promise<void> {
  const { db, clock } = deps;
  const row = await db.webhookInbox.findUnique({ where: { id: inboxId } });
  if (!row || row.topic !== "customers/redact" || row.status !== "PROCESSED" || !row.payload) return;
  const now = clock.now();
  const shop = await installedShop(db, row.shopDomain);
  if (shop) {
    const payload = CustomersRedactPayload.parse(parseShopifyJson(row.payload));
    await redactCustomer({ db, shopId: shop.id, shopDomain: row.shopDomain, payload, at: now, inboxId: row.id });
  }
  await db.webhookInbox.update({ where: { id: row.id }, data: bodyEmptied(now) });
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
async function ignore(db: Db, row: InboxRow, now: Date) {
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
