import type { Db } from "../db.server";
import {
  customerConsentFact,
  customerProfile,
  mergeContactsAndRefresh,
  noteConsentChange,
  syncCustomer,
  type Provenance,
} from "../commerce/customers.server";
import { LOCAL_CONTACT_PREFIX } from "../contacts/local-contacts.server";
import {
  appendConsentFacts,
  deriveCustomerConsents,
  factRow,
  FACT_COLUMNS,
  type ConsentFact,
} from "../consent/ledger.server";
import { isUniqueViolation } from "../db/unique-violation";
import type { CustomerPayload } from "../shopify-payloads";
import { asDate, inList, insertRows, newRowId, type ColumnType } from "../db/insert-rows.server";
import { driverTransaction, prismaRunner, type SqlRunner } from "../db/driver.server";
import {
  MIRRORED_COLUMNS,
  MIRRORED_SELECT,
  writeMirroredCustomers,
  type MirroredRow,
} from "./update-mirrored-customers.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime

/**
 * A batch of synced customers in a few statements per table instead of ~15 per customer:
 * the same mapping (customerProfile), newest-wins rule and ledger facts as syncCustomer.
 * - Customers not yet mirrored (nearly all on day one): one multi-row insert with the
 *   consent their one fact gives (the newest fact of a new row is that fact), and their facts
 *   in one more, in one transaction on the driver connection (db/driver.server: no Prisma
 *   query compiler for the batch's large statements).
 * - Customers already mirrored (webhooks came first, or a second sync, or an order's customer):
 *   then, in a Prisma transaction, one conditional update for those whose profile changed and
 *   one moving only the newest-wins mark for those whose did not (update-mirrored-customers),
 *   where `shopifyUpdatedAt` in the WHERE keeps a newer row; their facts minus those the ledger
 *   holds; their consent re-derived in one statement.
 * - Guest contacts with a synced customer's number: merged as syncCustomer does (rare).
 * A crash between the two transactions repeats the batch, whose new rows are then mirrored
 * ones: the same end state. Each customer at most once per batch (the insert and the
 * update take one row per customer). Returns the customers' row ids by Shopify id.
 */
export async function writeCustomerBatch(input: CustomerBatchInput): Promise<Map<string, string>> {
  const { db, shopId, payloads } = input;
  const ids = new Map<string, string>();
  if (!payloads.length) return ids;
  const rows = await Promise.all(
    payloads.map(async (payload, i) => ({
      payload,
      from: input.fromEach?.[i] ?? input.from,
      ...(await customerProfile(payload)),
    })),
  );
  let numbers: GuestNumber[];
  try {
    const fresh = await driverTransaction(db, (sql) => insertUnmirrored(sql, { shopId, rows }), {
      resumable: !!input.from.syncRunId,
    });
    const mirrored = rows.filter((r) => !fresh.written.has(r.payload.id));
    numbers = fresh.numbers;
    for (const [shopifyId, id] of fresh.written) ids.set(shopifyId, id);
    if (mirrored.length) {
      const m = await db.$transaction((tx) => writeInTransaction({ db: tx as Db, shopId, rows: mirrored }));
      numbers.push(...m.numbers);
      for (const [shopifyId, id] of m.ids) ids.set(shopifyId, id);
    }
  } catch (error) {
    // A webhook created one of these customers between our read and our insert: the
    // one-at-a-time writer settles that race row by row (and notes the consent it records).
    if (!isUniqueViolation(error)) throw error;
    for (const r of rows) ids.set(r.payload.id, await syncCustomer({ db, shopId, payload: r.payload, from: r.from }));
    return ids;
  }
  // The consent each payload carried, for the caller's afterConsentChanges (a webhook batch's
  // or the sync's: an opt-out cancels the customer's pending texts, one statement for the
  // batch): as syncCustomer notes it, a mirror of Shopify's state.
  for (const r of rows) {
    const customerId = ids.get(r.payload.id)!;
    const fact = customerConsentFact({ shopId, customerId, payload: r.payload, phone: r.phone, from: r.from });
    if (fact)
      noteConsentChange(r.from, {
        shopId,
        phone: r.phone,
        customerId,
        subscribed: fact.state === "SUBSCRIBED",
        at: fact.occurredAt,
        announce: false,
      });
  }
  // After the commit (a merge re-evaluates the guest's segments in transactions of its own);
  // a crash before it leaves the guest open, and the repeated batch merges it.
  await mergeGuestContacts({ db, shopId, numbers });
  return ids;
}

/** What a batch writer takes: the shop, a batch of Shopify's payloads, and the sync they come from. */
export type BatchInput<Payload> = { db: Db; shopId: string; payloads: Payload[]; from: Provenance };

/** A webhook batch's customers each come from their own inbox row (`fromEach[i]`, else `from`). */
type CustomerBatchInput = BatchInput<CustomerPayload> & { fromEach?: readonly Provenance[] };

type ProfiledRow = { payload: CustomerPayload; from: Provenance } & Awaited<ReturnType<typeof customerProfile>>;
type GuestNumber = { id: string; phone: string; from: Provenance };

/** The batch's customers not mirrored yet, with their facts; returns their row ids by Shopify id, and numbers. */
async function insertUnmirrored(sql: SqlRunner, o: { shopId: string; rows: ProfiledRow[] }) {
  const { shopId } = o;
  const mirrored = new Set(
    (
      await sql.query<{ shopifyId: string }>(Prisma.sql`
        SELECT "shopifyId" FROM "Customer"
        WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(o.rows.map((r) => r.payload.id))}`)
    ).map((c) => c.shopifyId),
  );
  const fresh = o.rows.filter((r) => !mirrored.has(r.payload.id)).map((r) => ({ ...r, id: newRowId() }));
  const facts = fresh.flatMap(
    (r) => customerConsentFact({ shopId, customerId: r.id, payload: r.payload, phone: r.phone, from: r.from }) ?? [],
  );
  const factOf = new Map(facts.map((f) => [f.customerId, f]));
  await insertRows({
    sql,
    table: "Customer",
    columns: CUSTOMER_COLUMNS,
    rows: fresh.map((r) => customerRow(shopId, r, factOf.get(r.id))),
  });
  await insertRows({
    sql,
    table: "ConsentEvent",
    columns: FACT_COLUMNS,
    rows: facts.map((f) => factRow(shopId, f)),
  });
  return {
    written: new Map(fresh.map((r) => [r.payload.id, r.id])),
    numbers: fresh.flatMap((r): GuestNumber[] => (r.phone ? [{ id: r.id, phone: r.phone, from: r.from }] : [])),
  };
}

/** A new Customer row; its only fact gives its consent (what deriveCustomerConsent would). */
function customerRow(shopId: string, r: ProfiledRow & { id: string }, fact: ConsentFact | undefined) {
  const stamp = new Date();
  return {
    id: r.id,
    shopId,
    shopifyId: r.payload.id,
    ...r.profile,
    timeZone: r.timeZone,
    shopifyUpdatedAt: r.payload.updated_at ?? null,
    smsConsent: fact?.state ?? "NOT_SUBSCRIBED",
    smsConsentAt: fact?.occurredAt ?? null,
    createdAt: stamp,
    updatedAt: stamp,
  };
}

async function writeInTransaction({ db, shopId, rows }: { db: Db; shopId: string; rows: ProfiledRow[] }) {
  const existing = new Map(
    (
      await db.$queryRaw<(MirroredRow & { shopifyId: string; shopifyUpdatedAt: Date | string | null })[]>`
        SELECT "id", "shopifyId", ${MIRRORED_SELECT} FROM "Customer"
        WHERE "shopId" = ${shopId} AND "shopifyId" IN ${inList(rows.map((r) => r.payload.id))}`
    ).map((c) => [c.shopifyId, { ...c, shopifyUpdatedAt: asDate(c.shopifyUpdatedAt) }]),
  );

  // Rows gone since the first transaction looked (rare): inserted here.
  const idOf = new Map<string, string>();
  const gone = rows.filter((r) => !existing.has(r.payload.id)).map((r) => ({ ...r, id: newRowId() }));
  for (const r of gone) idOf.set(r.payload.id, r.id);
  await insertRows({
    sql: prismaRunner(db),
    table: "Customer",
    columns: CUSTOMER_COLUMNS,
    rows: gone.map((r) =>
      customerRow(
        shopId,
        r,
        customerConsentFact({ shopId, customerId: r.id, payload: r.payload, phone: r.phone, from: r.from }) ??
          undefined,
      ),
    ),
  });

  // Already mirrored: written only when this snapshot is as new as the row, and only what changed.
  const stamp = new Date();
  for (const { payload } of rows) {
    const row = existing.get(payload.id);
    if (row) idOf.set(payload.id, row.id);
  }
  await writeMirroredCustomers(db, { rows, existing, stamp });

  const facts = rows
    .map((r) =>
      customerConsentFact({
        shopId,
        customerId: idOf.get(r.payload.id)!,
        payload: r.payload,
        phone: r.phone,
        from: r.from,
      }),
    )
    .filter((f): f is ConsentFact & { customerId: string } => !!f);
  await appendConsentFacts(prismaRunner(db), { shopId, facts });
  // Rows that existed before: their consent comes from the whole ledger, not just this fact.
  await deriveCustomerConsents(prismaRunner(db), {
    shopId,
    customerIds: [...existing.values()].map((c) => c.id),
    now: stamp,
  });

  return {
    ids: idOf,
    numbers: rows.flatMap((r): GuestNumber[] =>
      r.phone ? [{ id: idOf.get(r.payload.id)!, phone: r.phone, from: r.from }] : [],
    ),
  };
}

const CUSTOMER_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  shopifyId: "text",
  ...MIRRORED_COLUMNS,
  smsConsent: { enum: "SmsConsentState" },
  smsConsentAt: "timestamp",
  createdAt: "timestamp",
};

/** Guest contacts (checkout consent, sign-ups) holding a synced customer's number become that customer. */
async function mergeGuestContacts({ db, shopId, numbers }: { db: Db; shopId: string; numbers: GuestNumber[] }) {
  if (!numbers.length) return;
  const guests = await db.$queryRaw<{ phone: string }[]>`
    SELECT "phone" FROM "Customer"
    WHERE "shopId" = ${shopId} AND "phone" IN ${inList(numbers.map((n) => n.phone))}
      AND "shopifyId" LIKE ${`${LOCAL_CONTACT_PREFIX}%`} AND "deletedAt" IS NULL AND "redactedAt" IS NULL`;
  const withGuests = new Set(guests.map((g) => g.phone));
  for (const { id, phone, from } of numbers) {
    if (!withGuests.has(phone)) continue;
    await mergeContactsAndRefresh({ db, shopId, customerId: id, phone, from });
  }
}
