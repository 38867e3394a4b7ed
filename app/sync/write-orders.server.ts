import type { Db } from "../db.server";
import { refreshOrderStats, type Provenance } from "../commerce/customers.server";
import { orderLineRow, syncOrder } from "../commerce/orders.server";
import { isUniqueViolation } from "../db/unique-violation";
import type { OrderPayload } from "../shopify-payloads";
import { TX } from "./write-customers.server";
import { asDate, inList, insertRows, newRowId, type ColumnType } from "../db/insert-rows.server";

/**
 * A batch of synced orders with their lines in a few statements per table (syncOrder does
 * ~15 per order): the referenced customers looked up at once (a bare row for one not synced
 * yet), new orders in one insert, already-mirrored ones updated only when this snapshot is
 * as new (newest wins), the lines of every written order replaced in one delete and one
 * insert, and the order figures of every customer touched recomputed in one UPDATE.
 * An order carrying what only the webhook writer handles (checkout consent, a checkout
 * token to complete, coordinates) goes through syncOrder; the bulk query asks for none of
 * these, so on a sync that path stays empty. One transaction per batch.
 */
export async function writeOrderBatch(db: Db, shopId: string, payloads: OrderPayload[], from: Provenance) {
  const simple = payloads.filter((p) => !needsWebhookWriter(p));
  try {
    if (simple.length) await db.$transaction((tx) => writeInTransaction(tx as Db, shopId, simple), TX);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // a webhook created one meanwhile: row by row
    for (const payload of simple) await syncOrder({ db, shopId, payload, from });
  }
  for (const payload of payloads) if (needsWebhookWriter(payload)) await syncOrder({ db, shopId, payload, from });
}

const needsWebhookWriter = (p: OrderPayload) =>
  p.buyer_accepts_sms_marketing === true ||
  !!p.checkout_token ||
  [p.shipping_address, p.billing_address].some((a) => a?.latitude != null) ||
  (!!p.customer && Object.keys(p.customer).some((k) => k !== "id"));

async function writeInTransaction(db: Db, shopId: string, payloads: OrderPayload[]) {
  const customerOf = await customerIds(
    db,
    shopId,
    payloads.flatMap((p) => (p.customer ? [p.customer.id] : [])),
  );
  const fieldsOf = (p: OrderPayload) => {
    const customerId = p.customer ? customerOf.get(p.customer.id)! : null;
    return {
      customerId,
      name: p.name ?? null,
      checkoutToken: null,
      totalPrice: p.total_price,
      currency: p.currency,
      financialStatus: p.financial_status ?? null,
      discountCodes: p.discount_codes.map((d) => d.code).join(",") || null,
      processedAt: p.processed_at ?? p.created_at,
      cancelledAt: p.cancelled_at ?? null,
      shopifyUpdatedAt: p.updated_at ?? p.created_at,
    };
  };
  const existing = new Map(
    (
      await db.$queryRaw<
        { id: string; shopifyId: string; shopifyUpdatedAt: Date | string; customerId: string | null }[]
      >`
        SELECT "id", "shopifyId", "shopifyUpdatedAt", "customerId" FROM "Order"
        WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(payloads.map((p) => p.id))}`
    ).map((o) => [o.shopifyId, { ...o, shopifyUpdatedAt: asDate(o.shopifyUpdatedAt) }]),
  );
  const written = new Map<string, string>();
  const stamp = new Date();
  await insertRows({
    db,
    table: "Order",
    columns: ORDER_COLUMNS,
    rows: payloads
      .filter((p) => !existing.has(p.id))
      .map((p) => {
        const id = newRowId();
        written.set(p.id, id);
        return { id, shopId, shopifyId: p.id, ...fieldsOf(p), createdAt: stamp, updatedAt: stamp };
      }),
  });
  const touched = new Set<string>();
  for (const p of payloads) {
    const row = existing.get(p.id);
    if (!row) continue;
    if (row.customerId) touched.add(row.customerId); // the order may have moved to another customer
    const fields = fieldsOf(p);
    if (row.shopifyUpdatedAt && fields.shopifyUpdatedAt < row.shopifyUpdatedAt) continue;
    const { count } = await db.order.updateMany({
      where: row.shopifyUpdatedAt ? { id: row.id, shopifyUpdatedAt: { lte: fields.shopifyUpdatedAt } } : { id: row.id },
      data: { ...fields, checkoutToken: undefined }, // a token a webhook gave stays
    });
    if (count) written.set(p.id, row.id);
  }

  await replaceLines(db, { shopId, payloads, written, existing, customerOf });
  for (const p of payloads) if (p.customer) touched.add(customerOf.get(p.customer.id)!);
  await refreshOrderStats(db, shopId, [...touched]);
}

/** Customer row ids by Shopify id; a customer the sync has not reached gets a bare row (filled later). */
async function customerIds(db: Db, shopId: string, shopifyIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(shopifyIds)];
  if (!wanted.length) return new Map();
  const find = () => db.$queryRaw<{ id: string; shopifyId: string }[]>`
    SELECT "id", "shopifyId" FROM "Customer" WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(wanted)}`;
  const found = new Map((await find()).map((c) => [c.shopifyId, c.id]));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length) {
    // No stamp: the customer's own data, whenever it comes, is newer than this.
    const bare = await db.customer.createManyAndReturn({
      data: missing.map((shopifyId) => ({ shopId, shopifyId })),
      select: { id: true, shopifyId: true },
    });
    for (const c of bare) found.set(c.shopifyId, c.id);
  }
  return found;
}

async function replaceLines(
  db: Db,
  o: {
    shopId: string;
    payloads: OrderPayload[];
    /** Shopify order id → row id, for the orders this batch wrote. */
    written: Map<string, string>;
    /** The orders mirrored before this batch (their old lines go). */
    existing: Map<string, unknown>;
    customerOf: Map<string, string>;
  },
) {
  const { shopId, payloads, written, existing, customerOf } = o;
  if (!written.size) return;
  // Product type and vendor as known when the order is mirrored ("purchased a <type>").
  const productIds = [
    ...new Set(payloads.flatMap((p) => p.line_items.flatMap((l) => (l.product_id ? [l.product_id] : [])))),
  ];
  const products = new Map(
    (productIds.length
      ? await db.$queryRaw<{ shopifyId: string; productType: string | null; vendor: string | null }[]>`
          SELECT "shopifyId", "productType", "vendor" FROM "Product"
          WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(productIds)}`
      : []
    ).map((p) => [p.shopifyId, p]),
  );
  // Lines of an order mirrored before are replaced; a new order has none yet.
  const replaced = [...written].filter(([shopifyId]) => existing.has(shopifyId)).map(([, id]) => id);
  if (replaced.length) await db.orderLine.deleteMany({ where: { orderId: { in: replaced } } });
  await insertRows({
    db,
    table: "OrderLine",
    columns: LINE_COLUMNS,
    rows: payloads.flatMap((p) => {
      const orderId = written.get(p.id);
      if (!orderId) return [];
      const customerId = p.customer ? customerOf.get(p.customer.id)! : null;
      return p.line_items.map((line) => ({
        id: newRowId(),
        ...orderLineRow({
          shopId,
          orderId,
          customerId,
          line,
          product: line.product_id ? products.get(line.product_id) : undefined,
        }),
      }));
    }),
  });
}

const ORDER_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  shopifyId: "text",
  customerId: "text",
  name: "text",
  checkoutToken: "text",
  totalPrice: "decimal",
  currency: "text",
  financialStatus: "text",
  discountCodes: "text",
  processedAt: "timestamp",
  cancelledAt: "timestamp",
  shopifyUpdatedAt: "timestamp",
  createdAt: "timestamp",
  updatedAt: "timestamp",
};

const LINE_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  orderId: "text",
  customerId: "text",
  productShopifyId: "text",
  variantShopifyId: "text",
  title: "text",
  productType: "text",
  vendor: "text",
  quantity: "int",
  price: "decimal",
};
