import type { Db } from "../db.server";
import type { z } from "zod";
import type { DataRequestPayload } from "../shopify-payloads";
import { findCustomers } from "./redact-customer.server";

export { redactCustomer } from "./redact-customer.server";

/** customers/data_request: everything we hold about the shopper, stored for the merchant to send on. */
export async function exportCustomerData(db: Db, shopId: string, payload: z.infer<typeof DataRequestPayload>) {
  const customers = await findCustomers(db, shopId, payload.customer);
  const data = [];
  for (const c of customers) {
    const [orders, consent, messages, memberships, restock] = await Promise.all([
      db.order.findMany({ where: { shopId, customerId: c.id }, include: { lines: true } }),
      db.consentEvent.findMany({ where: { shopId, customerId: c.id }, orderBy: { occurredAt: "asc" } }),
      db.message.findMany({ where: { shopId, customerId: c.id }, orderBy: { createdAt: "asc" } }),
      db.segmentMembership.findMany({
        where: { shopId, customerId: c.id },
        include: { segment: { select: { name: true } } },
      }),
      db.restockWatch.findMany({ where: { shopId, customerId: c.id } }),
    ]);
    data.push({
      customer: c,
      orders,
      consent,
      messages,
      segments: memberships.map((m) => ({ segment: m.segment.name, since: m.enteredAt })),
      restockWatches: restock,
    });
  }
  const payloadJson = JSON.parse(
    JSON.stringify({ requestedAt: new Date(), customers: data }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
  return db.dataExport.create({
    data: {
      shopId,
      // A request may name the shopper by e-mail only: the customer found is what a later
      // customers/redact deletes the export by.
      customerShopifyId: payload.customer.id ?? customers[0]?.shopifyId ?? null,
      requestRef: payload.data_request?.id ?? null,
      payload: payloadJson,
    },
  });
}

/** The shop's data_request exports, newest first, for the merchant to send on (`npm run cli -- data-exports`). */
export async function listDataExports(db: Db, shopId: string) {
  const rows = await db.dataExport.findMany({
    where: { shopId },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, requestRef: true, customerShopifyId: true },
  });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** One export's data, or null when the shop holds no export by that id. */
export async function readDataExport(db: Db, shopId: string, id: string) {
  const row = await db.dataExport.findFirst({ where: { id, shopId }, select: { payload: true } });
  return row?.payload ?? null;
}

/**
 * shop/redact (48 h after uninstall): the shop and everything it owns, every webhook it sent
 * included, except this request's own row (`inboxId`): the worker marks it processed, and it
 * stays as the record that the shop was erased (it names the shop, no shopper).
 */
export async function redactShop(db: Db, domain: string, inboxId: string) {
  await db.$transaction([
    db.shop.deleteMany({ where: { domain } }),
    db.session.deleteMany({ where: { shop: domain } }),
    db.webhookInbox.deleteMany({ where: { shopDomain: domain, id: { not: inboxId } } }),
  ]);
}

/**
 * app/uninstalled: sessions go and nothing is sent any more: pending texts, flow runs in
 * progress and scheduled campaigns are cancelled with the reason, and the send gate, the
 * flow engine and the campaign fan-out refuse while `uninstalledAt` is set (a reinstall
 * clears it: commerce/shops installShop). Data stays until shop/redact.
 */
export async function uninstallShop(db: Db, domain: string, at: Date) {
  await db.session.deleteMany({ where: { shop: domain } });
  const shop = await db.shop.findUnique({ where: { domain }, select: { id: true } });
  if (!shop) return;
  const reason = "app uninstalled";
  const inProgress = { shopId: shop.id, status: { in: ["ACTIVE" as const, "WAITING" as const] } };
  await db.$transaction([
    db.shop.update({ where: { id: shop.id }, data: { uninstalledAt: at } }),
    db.message.updateMany({
      where: { shopId: shop.id, status: { in: ["SCHEDULED", "HELD"] } },
      data: { status: "CANCELLED", error: reason },
    }),
    db.flowRun.updateMany({
      where: inProgress,
      data: { status: "EXITED", exitReason: reason, finishedAt: at, nextRunAt: null },
    }),
    db.campaign.updateMany({
      where: { shopId: shop.id, status: { in: ["SCHEDULED", "SENDING"] } },
      data: { status: "CANCELLED", finishedAt: at },
    }),
  ]);
}
