import type { Db } from "../db.server";
import type { Prisma } from "../generated/sqlite/client";
import type { OrderPayload } from "../shopify-payloads";
import { recordCheckoutConsent } from "./shopify-consent.server";
import { refreshOrderStats, embeddedCustomer, rememberCoordinates, type WriterInput } from "./customers.server";
import { guardedUpsert, type GuardedModel } from "./guarded-upsert.server";
import { reconcileCompletedCheckouts } from "./restock-watches.server";

/** What syncOrder wrote: the customer whose facts changed, if any, and the order as it now stands. */
export interface OrderWritten {
  customerId: string | null;
  /** Shoppers whose restock watches changed: the order completed a checkout that justified one. */
  watchersChanged: string[];
  order: { id: string; totalPrice: string | Prisma.Decimal; processedAt: Date; cancelledAt: Date | null };
}

/** orders/create|updated|paid|cancelled. */
export async function syncOrder({ db, shopId, payload, from }: WriterInput<OrderPayload>): Promise<OrderWritten> {
  const shopper = payload.customer ? await embeddedCustomer({ db, shopId, customer: payload.customer, from }) : null;
  const processedAt = payload.processed_at ?? payload.created_at;
  const consented = await recordCheckoutConsent(db, {
    shopId,
    customerId: shopper,
    payload,
    occurredAt: payload.created_at,
    origin: from,
  });
  const customerId = shopper ?? consented;
  const fields = {
    customerId,
    name: payload.name ?? null,
    checkoutToken: payload.checkout_token ?? null,
    totalPrice: payload.total_price,
    currency: payload.currency,
    financialStatus: payload.financial_status ?? null,
    discountCodes: payload.discount_codes.map((d) => d.code).join(",") || null,
    processedAt,
    cancelledAt: payload.cancelled_at ?? null,
  };
  const { id, applied, created } = await guardedUpsert({
    model: db.order as unknown as GuardedModel<unknown>,
    where: { shopId_shopifyId: { shopId, shopifyId: payload.id } },
    updatedAt: payload.updated_at ?? payload.created_at,
    create: { shopId, shopifyId: payload.id, ...fields },
    update: fields,
  });
  if (applied) await replaceLines({ db, shopId, orderId: id, customerId, payload, created });
  let watchersChanged: string[] = [];
  if (payload.checkout_token) {
    const tokens = [payload.checkout_token];
    const { count } = await db.checkout.updateMany({
      where: { shopId, token: payload.checkout_token, completedAt: null },
      data: { completedAt: processedAt },
    });
    // A completed checkout no longer justifies a watch (re-derived only when this order completed it).
    if (count) watchersChanged = (await reconcileCompletedCheckouts({ db, shopId, tokens })).map((w) => w.customerId);
  }
  if (customerId) await refreshOrderStats(db, shopId, [customerId]);
  if (customerId && applied)
    await rememberCoordinates(db, customerId, payload.shipping_address ?? payload.billing_address);
  // An older event changed nothing: the order stands as the newer one left it.
  const stands = applied
    ? { totalPrice: fields.totalPrice, processedAt, cancelledAt: fields.cancelledAt }
    : await db.order.findUniqueOrThrow({
        where: { id },
        select: { totalPrice: true, processedAt: true, cancelledAt: true },
      });
  return { customerId, watchersChanged, order: { id, ...stands } };
}

async function replaceLines({
  db,
  shopId,
  orderId,
  customerId,
  payload,
  created,
}: {
  db: Db;
  shopId: string;
  orderId: string;
  customerId: string | null;
  payload: OrderPayload;
  /** The order row was created by this event: it has no lines to replace. */
  created: boolean;
}) {
  // Product type and vendor as known when the order is mirrored ("purchased a <type>").
  const productIds = [...new Set(payload.line_items.map((l) => l.product_id).filter((v): v is string => !!v))];
  const products = productIds.length
    ? await db.product.findMany({
        where: { shopId, shopifyId: { in: productIds } },
        select: { shopifyId: true, productType: true, vendor: true },
      })
    : [];
  const byId = new Map(products.map((p) => [p.shopifyId, p]));
  const insert = db.orderLine.createMany({
    data: payload.line_items.map((line) =>
      orderLineRow({
        shopId,
        orderId,
        customerId,
        line,
        product: line.product_id ? byId.get(line.product_id) : undefined,
      }),
    ),
  });
  // A new order's lines are one insert (most orders/create); an update replaces them whole.
  if (created) await insert;
  else await db.$transaction([db.orderLine.deleteMany({ where: { orderId } }), insert]);
}

/**
 * One order line as mirrored, by the webhook writer and the day-one sync alike: product type and vendor as known
 * when the order is mirrored ("purchased a <type>"), the line's own vendor first.
 */
export function orderLineRow(o: {
  shopId: string;
  orderId: string;
  customerId: string | null;
  line: OrderPayload["line_items"][number];
  product?: { productType: string | null; vendor: string | null };
}) {
  const { line, product } = o;
  return {
    shopId: o.shopId,
    orderId: o.orderId,
    customerId: o.customerId,
    productShopifyId: line.product_id ?? null,
    variantShopifyId: line.variant_id ?? null,
    title: line.title ?? null,
    productType: product?.productType || null,
    vendor: line.vendor ?? (product?.vendor || null),
    quantity: line.quantity,
    price: line.price,
  };
}
