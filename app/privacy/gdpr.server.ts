import type { Db } from "../db.server";
import type { z } from "zod";
import type { CustomersRedactPayload, DataRequestPayload } from "../shopify-payloads";
import { normalisePhone } from "../contacts/phone";

type Who = z.infer<typeof CustomersRedactPayload>["customer"];

async function findCustomers(db: Db, shopId: string, who: Who) {
  const normalised = normalisePhone(who.phone);
  const phone = normalised.ok ? normalised.e164 : null;
  const or = [
    ...(who.id ? [{ shopifyId: who.id }] : []),
    ...(who.email ? [{ email: who.email }] : []),
    ...(phone ? [{ phone }] : []),
  ];
  if (!or.length) return [];
  return db.customer.findMany({ where: { shopId, OR: or } });
}

/**
 * customers/redact: erases the shopper's personal data. What remains is anonymised and kept
 * only where records must survive: consent facts (state, source, time: proof we had or
 * withdrew consent, without the phone or evidence), messages and orders as statistics
 * without phone, body or names.
 */
export async function redactCustomer(
  db: Db,
  shopId: string,
  payload: z.infer<typeof CustomersRedactPayload>,
  at: Date,
) {
  const customers = await findCustomers(db, shopId, payload.customer);
  for (const c of customers) {
    await db.$transaction([
      db.customer.update({
        where: { id: c.id },
        data: {
          email: null,
          phone: null,
          phoneRaw: null,
          firstName: null,
          lastName: null,
          city: null,
          provinceCode: null,
          // Where the shopper lives, to the street: the coordinates and the zone derived from them.
          latitude: null,
          longitude: null,
          timeZone: null,
          tags: null,
          locale: null,
          smsConsent: "REDACTED",
          redactedAt: at,
        },
      }),
      db.consentEvent.updateMany({
        where: { shopId, customerId: c.id },
        data: { phone: null, evidence: { redacted: true }, redactedAt: at },
      }),
      db.message.updateMany({ where: { shopId, customerId: c.id }, data: { phone: null, body: "[redacted]" } }),
      db.checkout.updateMany({
        where: { shopId, customerId: c.id },
        data: { email: null, phone: null, recoveryUrl: null },
      }),
      db.restockWatch.deleteMany({ where: { shopId, customerId: c.id } }),
      db.segmentMembership.deleteMany({ where: { shopId, customerId: c.id } }),
      db.dataExport.deleteMany({ where: { shopId, customerShopifyId: c.shopifyId } }),
    ]);
  }
  if (payload.customer.email) {
    // Guest checkouts carry the email without a customer record.
    await db.checkout.updateMany({
      where: { shopId, email: payload.customer.email },
      data: { email: null, phone: null, recoveryUrl: null },
    });
  }
  await recountMembers(db, shopId);
  return customers.length;
}

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
      customerShopifyId: payload.customer.id ?? null,
      requestRef: payload.data_request?.id ?? null,
      payload: payloadJson,
    },
  });
}

/** shop/redact (48 h after uninstall): the shop and everything it owns. */
export async function redactShop(db: Db, domain: string) {
  await db.$transaction([
    db.shop.deleteMany({ where: { domain } }),
    db.session.deleteMany({ where: { shop: domain } }),
    db.webhookInbox.deleteMany({ where: { shopDomain: domain } }),
  ]);
}

/**
 * app/uninstalled: sessions go and nothing is sent any more: pending texts, flow runs in
 * progress and scheduled campaigns are cancelled with the reason, and the send gate, the
 * flow engine and the campaign fan-out refuse while `uninstalledAt` is set (a reinstall
 * clears it: commerce/install). Data stays until shop/redact.
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

async function recountMembers(db: Db, shopId: string) {
  const counts = await db.segmentMembership.groupBy({ by: ["segmentId"], where: { shopId }, _count: { _all: true } });
  const byId = new Map(counts.map((c) => [c.segmentId, c._count._all]));
  const segments = await db.segment.findMany({ where: { shopId }, select: { id: true } });
  for (const s of segments)
    await db.segment.update({ where: { id: s.id }, data: { memberCount: byId.get(s.id) ?? 0 } });
}
