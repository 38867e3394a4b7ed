import type { Db } from "../db.server";
import { orderStatsUpdates } from "../commerce/customers.server";
import { orderLineRow, syncOrder } from "../commerce/orders.server";
import { reconcileCompletedCheckouts } from "../commerce/restock-watches.server";
import { isUniqueViolation } from "../db/unique-violation";
import type { OrderPayload } from "../shopify-payloads";
import type { BatchInput } from "./write-customers.server";
import { asDate, inList, insertRows, boundRows, newRowId, type ColumnType } from "../db/insert-rows.server";
import { driverTransaction, prismaRunner, type SqlRunner } from "../db/driver.server";
import { typedValue } from "../db/update-rows.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime

/**
 * A batch of synced orders with their lines in a few statements per table (syncOrder does
 * ~15 per order): the referenced customers looked up at once (a bare row for one not synced
 * yet), new orders in one insert, already-mirrored ones updated only when this snapshot is
 * as new (newest wins), the lines of every written order replaced in one delete and one
 * insert, and the order figures of every customer touched recomputed in two UPDATEs (or, with
 * `deferOrderStats`, left to the caller's one pass for the whole shop afterwards: the sync's,
 * refreshShopOrderStats after its orders. Per batch, on PostgreSQL, each customer's row was
 * written a second time, a new tuple with all of its index entries, in every batch).
 * An order's checkout token is kept and its checkout marked completed (one UPDATE for all,
 * as syncOrder does one by one), and the shoppers a completed checkout gave a restock watch
 * re-derived (one read for all; returned, with the token, for their segments). An order carrying what only the webhook writer handles
 * (checkout consent, coordinates) goes through syncOrder; the bulk query asks for neither,
 * so on a sync that path stays empty.
 * Orders not mirrored yet (nearly all on day one) are written in one transaction on the
 * driver connection (db/driver.server: no Prisma query compiler for the batch's large
 * statements); those already mirrored then in a Prisma transaction (their conditional
 * updates). A crash between the two repeats the batch: the same end state.
 */
export async function writeOrderBatch({
  db,
  shopId,
  payloads,
  from,
  deferOrderStats = false,
}: BatchInput<OrderPayload> & { deferOrderStats?: boolean }): Promise<WatchersChanged> {
  const simple = payloads.filter((p) => !needsWebhookWriter(p));
  const stats = !deferOrderStats;
  const changed: WatchersChanged = [];
  const alone = async (payload: OrderPayload) => {
    const { watchersChanged } = await syncOrder({ db, shopId, payload, from });
    for (const customerId of watchersChanged) changed.push({ customerId, token: payload.checkout_token! });
  };
  try {
    const mirrored = simple.length
      ? await driverTransaction(db, (sql) => writeInTransaction({ sql, shopId, payloads: simple, stats }), {
          resumable: !!from.syncRunId,
        })
      : [];
    if (mirrored.length)
      await db.$transaction((tx) =>
        writeInTransaction({ sql: prismaRunner(tx as Db), shopId, payloads: mirrored, stats, db: tx as Db }),
      );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // a webhook created one meanwhile: row by row
    for (const payload of simple) await alone(payload);
    simple.length = 0;
  }
  // The checkouts the batch completed no longer justify their watches (one read for all).
  const tokens = simple.flatMap((p) => (p.checkout_token ? [p.checkout_token] : []));
  changed.push(...(await reconcileCompletedCheckouts({ db, shopId, tokens })));
  for (const payload of payloads) if (needsWebhookWriter(payload)) await alone(payload);
  return changed;
}

/** Shoppers whose restock watches changed, with the checkout token whose completion changed them. */
export type WatchersChanged = { customerId: string; token: string }[];

/** An order only syncOrder writes (also the webhook batch's test for an order it can take). */
export const needsWebhookWriter = (p: OrderPayload) =>
  p.buyer_accepts_sms_marketing === true ||
  [p.shipping_address, p.billing_address].some((a) => a?.latitude != null) ||
  (!!p.customer && Object.keys(p.customer).some((k) => k !== "id"));

/**
 * Writes the batch's new orders and, given Prisma's transaction client (`db`), updates the
 * mirrored ones; without it returns the mirrored ones, unwritten.
 */
async function writeInTransaction({
  sql,
  shopId,
  payloads,
  stats,
  db,
}: {
  sql: SqlRunner;
  shopId: string;
  payloads: OrderPayload[];
  /** Whether to recompute the touched customers' order figures here. */
  stats: boolean;
  db?: Db;
}): Promise<OrderPayload[]> {
  const customerOf = await customerIds(
    sql,
    shopId,
    payloads.flatMap((p) => (p.customer ? [p.customer.id] : [])),
  );
  const fieldsOf = (p: OrderPayload) => {
    const customerId = p.customer ? customerOf.get(p.customer.id)! : null;
    return {
      customerId,
      name: p.name ?? null,
      checkoutToken: p.checkout_token ?? null,
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
      await sql.query<{ id: string; shopifyId: string; shopifyUpdatedAt: Date | string; customerId: string | null }>(
        Prisma.sql`
          SELECT "id", "shopifyId", "shopifyUpdatedAt", "customerId" FROM "Order"
          WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(payloads.map((p) => p.id))}`,
      )
    ).map((o) => [o.shopifyId, { ...o, shopifyUpdatedAt: asDate(o.shopifyUpdatedAt) }]),
  );
  const mirrored = payloads.filter((p) => existing.has(p.id));
  if (!db && mirrored.length) {
    payloads = payloads.filter((p) => !existing.has(p.id));
    existing.clear();
  }
  const written = new Map<string, string>();
  const stamp = new Date();
  await insertRows({
    sql,
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
    if (!row || !db) continue;
    if (row.customerId) touched.add(row.customerId); // the order may have moved to another customer
    const fields = fieldsOf(p);
    if (row.shopifyUpdatedAt && fields.shopifyUpdatedAt < row.shopifyUpdatedAt) continue;
    const { count } = await db.order.updateMany({
      where: row.shopifyUpdatedAt ? { id: row.id, shopifyUpdatedAt: { lte: fields.shopifyUpdatedAt } } : { id: row.id },
      data: { ...fields, checkoutToken: fields.checkoutToken ?? undefined }, // a token a webhook gave stays
    });
    if (count) written.set(p.id, row.id);
  }

  await replaceLines(sql, { shopId, payloads, written, existing, customerOf });
  await completeCheckouts(sql, shopId, payloads);
  for (const p of payloads) if (p.customer) touched.add(customerOf.get(p.customer.id)!);
  if (stats && touched.size) for (const update of orderStatsUpdates(shopId, [...touched])) await sql.execute(update);
  return db ? [] : mirrored;
}

/**
 * The checkouts the orders came from are completed at the order's time (whether or not the
 * order's data was applied, as syncOrder does); a checkout completed already keeps its time.
 */
async function completeCheckouts(sql: SqlRunner, shopId: string, payloads: OrderPayload[]) {
  const completed = payloads.flatMap((p) =>
    p.checkout_token ? [{ token: p.checkout_token, at: p.processed_at ?? p.created_at }] : [],
  );
  if (!completed.length) return;
  await sql.execute(Prisma.sql`
    UPDATE "Checkout" SET "completedAt" = t."at", "updatedAt" = ${typedValue(new Date(), "timestamp")}
    FROM ${boundRows({ token: "text", at: "timestamp" }, completed)} t
    WHERE "Checkout"."shopId" = ${shopId} AND "Checkout"."token" = t."token" AND "Checkout"."completedAt" IS NULL`);
}

/** Customer row ids by Shopify id; a customer the sync has not reached gets a bare row (filled later). */
async function customerIds(sql: SqlRunner, shopId: string, shopifyIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(shopifyIds)];
  if (!wanted.length) return new Map();
  const found = new Map(
    (
      await sql.query<{ id: string; shopifyId: string }>(Prisma.sql`
        SELECT "id", "shopifyId" FROM "Customer" WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(wanted)}`)
    ).map((c) => [c.shopifyId, c.id]),
  );
  const missing = wanted.filter((id) => !found.has(id));
  // No stamp: the customer's own data, whenever it comes, is newer than this.
  const stamp = new Date();
  const bare = missing.map((shopifyId) => ({ id: newRowId(), shopId, shopifyId, createdAt: stamp, updatedAt: stamp }));
  await insertRows({ sql, table: "Customer", columns: BARE_CUSTOMER_COLUMNS, rows: bare });
  for (const c of bare) found.set(c.shopifyId, c.id);
  return found;
}

const BARE_CUSTOMER_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  shopifyId: "text",
  createdAt: "timestamp",
  updatedAt: "timestamp",
};

async function replaceLines(
  sql: SqlRunner,
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
      ? await sql.query<{ shopifyId: string; productType: string | null; vendor: string | null }>(Prisma.sql`
          SELECT "shopifyId", "productType", "vendor" FROM "Product"
          WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(productIds)}`)
      : []
    ).map((p) => [p.shopifyId, p]),
  );
  // Lines of an order mirrored before are replaced; a new order has none yet.
  const replaced = [...written].filter(([shopifyId]) => existing.has(shopifyId)).map(([, id]) => id);
  if (replaced.length) await sql.execute(Prisma.sql`DELETE FROM "OrderLine" WHERE "orderId" IN ${inList(replaced)}`);
  await insertRows({
    sql,
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
