import type { Db } from "../db.server";
import {
  customerConsentFact,
  customerProfile,
  segmentCause,
  syncCustomer,
  zoneUnlessPlaced,
  type Provenance,
} from "../commerce/customers.server";
import { mergeContactsInto } from "../commerce/contacts.server";
import { LOCAL_CONTACT_PREFIX } from "../contacts/local-contacts.server";
import { deriveCustomerConsent, factPhoneHash, type ConsentFact } from "../consent/ledger.server";
import { refreshCustomerSegments } from "../segments/membership.server";
import { isUniqueViolation } from "../db/unique-violation";
import type { CustomerPayload } from "../shopify-payloads";
import { asDate, inList, insertRows, newRowId, type ColumnType } from "../db/insert-rows.server";

/**
 * A batch of synced customers in a few statements per table instead of ~15 per customer:
 * the same mapping (customerProfile), newest-wins rule and ledger facts as syncCustomer.
 * - Customers not yet mirrored (nearly all on day one): one multi-row insert, with the
 *   consent their one fact gives (the newest fact of a new row is that fact).
 * - Customers already mirrored (webhooks came first, or a second sync): a conditional update
 *   each, where `shopifyUpdatedAt` in the WHERE keeps a newer row; their consent re-derived.
 * - Consent facts: one insert, minus facts the ledger already holds (a repeated batch).
 * - Guest contacts with a synced customer's number: merged as syncCustomer does (rare).
 * Runs in one transaction: a batch is written whole or not at all.
 */
export async function writeCustomerBatch(
  db: Db,
  shopId: string,
  payloads: CustomerPayload[],
  from: Provenance,
): Promise<void> {
  if (!payloads.length) return;
  let numbers: { id: string; phone: string }[];
  try {
    numbers = await db.$transaction((tx) => writeInTransaction(tx as Db, shopId, payloads, from), TX);
  } catch (error) {
    // A webhook created one of these customers between our read and our insert: the
    // one-at-a-time writer settles that race row by row.
    if (!isUniqueViolation(error)) throw error;
    for (const payload of payloads) await syncCustomer({ db, shopId, payload, from });
    return;
  }
  // After the commit (a merge re-evaluates the guest's segments in transactions of its own);
  // a crash before it leaves the guest open, and the repeated batch merges it.
  await mergeGuestContacts(db, shopId, numbers, from);
}

export const TX = { timeout: 120_000, maxWait: 60_000 };

async function writeInTransaction(db: Db, shopId: string, payloads: CustomerPayload[], from: Provenance) {
  const rows = await Promise.all(payloads.map(async (payload) => ({ payload, ...(await customerProfile(payload)) })));
  const existing = new Map(
    (
      await db.$queryRaw<{ id: string; shopifyId: string; shopifyUpdatedAt: Date | string | null }[]>`
        SELECT "id", "shopifyId", "shopifyUpdatedAt" FROM "Customer"
        WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(rows.map((r) => r.payload.id))}`
    ).map((c) => [c.shopifyId, { ...c, shopifyUpdatedAt: asDate(c.shopifyUpdatedAt) }]),
  );

  const fresh = rows.filter((r) => !existing.has(r.payload.id));
  const idOf = new Map<string, string>();
  const stamp = new Date();
  await insertRows({
    db,
    table: "Customer",
    columns: CUSTOMER_COLUMNS,
    rows: fresh.map(({ payload, profile, timeZone, phone }) => {
      const id = newRowId();
      idOf.set(payload.id, id);
      const fact = customerConsentFact({ shopId, customerId: id, payload, phone, from });
      return {
        id,
        shopId,
        shopifyId: payload.id,
        ...profile,
        timeZone,
        shopifyUpdatedAt: payload.updated_at ?? null,
        // A new row's only fact is this one: the consent deriveCustomerConsent would give.
        smsConsent: fact?.state ?? "NOT_SUBSCRIBED",
        smsConsentAt: fact?.occurredAt ?? null,
        createdAt: stamp,
        updatedAt: stamp,
      };
    }),
  });

  // Already mirrored: written only when this snapshot is as new as the row (newest wins).
  const updated: string[] = [];
  for (const { payload, profile, timeZone } of rows) {
    const row = existing.get(payload.id);
    if (!row) continue;
    idOf.set(payload.id, row.id);
    const at = payload.updated_at ?? null;
    if (row.shopifyUpdatedAt && (!at || at < row.shopifyUpdatedAt)) continue;
    const { count } = await db.customer.updateMany({
      where: row.shopifyUpdatedAt ? { id: row.id, shopifyUpdatedAt: { lte: at! } } : { id: row.id },
      data: { ...profile, shopifyUpdatedAt: at },
    });
    if (count) await db.customer.updateMany({ where: zoneUnlessPlaced(row.id), data: { timeZone } });
    updated.push(row.id);
  }

  const facts = rows
    .map((r) =>
      customerConsentFact({ shopId, customerId: idOf.get(r.payload.id)!, payload: r.payload, phone: r.phone, from }),
    )
    .filter((f): f is ConsentFact => !!f);
  await insertNewFacts(db, shopId, facts, new Set([...existing.values()].map((c) => c.id)));
  // Rows that existed before: their consent comes from the whole ledger, not just this fact.
  for (const row of existing.values()) await deriveCustomerConsent(db, shopId, row.id);

  return rows.flatMap((r) => (r.phone ? [{ id: idOf.get(r.payload.id)!, phone: r.phone }] : []));
}

/** The facts the ledger does not hold yet (only rows that existed can have them). */
async function insertNewFacts(db: Db, shopId: string, facts: ConsentFact[], existingIds: Set<string>) {
  const known = new Set(
    existingIds.size
      ? (
          await db.consentEvent.findMany({
            where: { shopId, scope: "marketing", customerId: { in: [...existingIds] } },
            select: { customerId: true, phone: true, state: true, occurredAt: true },
          })
        ).map(factKey)
      : [],
  );
  const stamp = new Date();
  await insertRows({
    db,
    table: "ConsentEvent",
    columns: FACT_COLUMNS,
    rows: facts
      .filter((f) => !known.has(factKey(f)))
      .map((f) => ({
        id: newRowId(),
        shopId,
        customerId: f.customerId,
        phone: f.phone,
        phoneHash: factPhoneHash(shopId, f.phone),
        state: f.state,
        optInLevel: f.optInLevel ?? null,
        source: f.source,
        scope: "marketing",
        occurredAt: f.occurredAt,
        recordedAt: stamp,
        evidence: f.evidence ?? null,
      })),
  });
}

const CUSTOMER_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  shopifyId: "text",
  email: "text",
  phone: "text",
  phoneRaw: "text",
  firstName: "text",
  lastName: "text",
  locale: "text",
  tags: "text",
  countryCode: "text",
  provinceCode: "text",
  city: "text",
  timeZone: "text",
  shopifyCreatedAt: "timestamp",
  shopifyUpdatedAt: "timestamp",
  deletedAt: "timestamp",
  smsConsent: { enum: "SmsConsentState" },
  smsConsentAt: "timestamp",
  createdAt: "timestamp",
  updatedAt: "timestamp",
};

const FACT_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  customerId: "text",
  phone: "text",
  phoneHash: "text",
  state: { enum: "SmsConsentState" },
  optInLevel: "text",
  source: { enum: "ConsentSource" },
  scope: "text",
  occurredAt: "timestamp",
  recordedAt: "timestamp",
  evidence: "json",
};

const factKey = (f: { customerId: string | null; phone: string | null; state: string; occurredAt: Date }) =>
  `${f.customerId}|${f.phone}|${f.state}|${f.occurredAt.getTime()}`;

/** Guest contacts (checkout consent, sign-ups) holding a synced customer's number become that customer. */
async function mergeGuestContacts(db: Db, shopId: string, numbers: { id: string; phone: string }[], from: Provenance) {
  if (!numbers.length) return;
  const guests = await db.$queryRaw<{ phone: string }[]>`
    SELECT "phone" FROM "Customer"
    WHERE "shopId" = ${shopId} AND "phone" IN ${inList(numbers.map((n) => n.phone))}
      AND "shopifyId" LIKE ${`${LOCAL_CONTACT_PREFIX}%`} AND "deletedAt" IS NULL AND "redactedAt" IS NULL`;
  const withGuests = new Set(guests.map((g) => g.phone));
  for (const { id, phone } of numbers) {
    if (!withGuests.has(phone)) continue;
    for (const contactId of await mergeContactsInto({ db, shopId, customerId: id, phone, at: from.receivedAt }))
      await refreshCustomerSegments({
        db,
        shopId,
        customerId: contactId,
        now: from.receivedAt,
        cause: segmentCause(from),
      });
  }
}
