import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import { bestTimeZone } from "./zone.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { inList, insertRows, newRowId, type ColumnType } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";

/**
 * A contact is a shopper we hold a number (and maybe consent) for but Shopify holds no
 * customer for: a guest checkout that ticked the SMS box, a storefront sign-up, an imported
 * list. It is a Customer row whose `shopifyId` is an opaque "local:<uuid>" (never the number:
 * ids end up in URLs, logs and exports, and must not outlive a redaction of the phone column).
 */
export const LOCAL_CONTACT_PREFIX = "local:";

export const isLocalContact = (shopifyId: string) => shopifyId.startsWith(LOCAL_CONTACT_PREFIX);

/** A number to find or make a contact for, with the names a new contact gets. */
export type ContactRequest = {
  phone: { e164: string; country: string | null };
  names?: { firstName?: string | null; lastName?: string | null; email?: string | null };
};

/**
 * The live customer with this number if there is one (a Shopify customer first), otherwise
 * a new local contact with the time zone of the number's country.
 */
export async function findOrCreateContact({
  db,
  shopId,
  phone,
  names = {},
}: { db: Db; shopId: string } & ContactRequest): Promise<FoundContact> {
  return (await findOrCreateContacts({ db, shopId, requests: [{ phone, names }] })).get(phone.e164)!;
}

/** A number's contact: its row id and Shopify id ("local:…" for one of ours), and whether it was made now. */
export type FoundContact = { id: string; shopifyId: string; created: boolean };

/**
 * findOrCreateContact for many numbers in two statements (a webhook batch's guest checkouts):
 * the live customers with the numbers in one read, the numbers without one made into new
 * contacts in one insert (a number asked twice is one contact, with the first request's names).
 * By number.
 */
export async function findOrCreateContacts({
  db,
  shopId,
  requests,
}: {
  db: Db;
  shopId: string;
  requests: readonly ContactRequest[];
}): Promise<Map<string, FoundContact>> {
  const out = new Map<string, FoundContact>();
  if (!requests.length) return out;
  const sql = sqlOn(db);
  const holders = await sql.query<{ id: string; shopifyId: string; phone: string }>(Prisma.sql`
    SELECT "id", "shopifyId", "phone" FROM "Customer"
    WHERE "shopId" = ${shopId} AND "phone" IN ${inList([...new Set(requests.map((r) => r.phone.e164))])}
      AND "deletedAt" IS NULL AND "redactedAt" IS NULL
    ORDER BY "createdAt" ASC, "id" ASC`);
  for (const phone of new Set(holders.map((h) => h.phone))) {
    const withIt = holders.filter((h) => h.phone === phone);
    const best = withIt.find((c) => !isLocalContact(c.shopifyId)) ?? withIt[0]!;
    out.set(phone, { id: best.id, shopifyId: best.shopifyId, created: false });
  }
  const stamp = new Date();
  const fresh: Record<string, unknown>[] = [];
  for (const { phone, names = {} } of requests) {
    if (out.has(phone.e164)) continue;
    const id = newRowId();
    const shopifyId = `${LOCAL_CONTACT_PREFIX}${randomUUID()}`;
    out.set(phone.e164, { id, shopifyId, created: true });
    fresh.push({
      id,
      shopId,
      shopifyId,
      phone: phone.e164,
      countryCode: phone.country,
      timeZone: await bestTimeZone({ phone: phone.e164 }),
      firstName: names.firstName ?? null,
      lastName: names.lastName ?? null,
      email: names.email ?? null,
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  await insertRows({ sql, table: "Customer", columns: CONTACT_COLUMNS, rows: fresh });
  return out;
}

const CONTACT_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  shopifyId: "text",
  phone: "text",
  countryCode: "text",
  timeZone: "text",
  firstName: "text",
  lastName: "text",
  email: "text",
  createdAt: "timestamp",
  updatedAt: "timestamp",
};
