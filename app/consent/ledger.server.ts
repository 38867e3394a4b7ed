import type { Db } from "../db.server";
import type { ConsentSource, SmsConsentState } from "../generated/sqlite/client";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { numberHasher } from "../contacts/number-hash.server";
import { asDate, inList, insertRows, newRowId, type ColumnType } from "../db/insert-rows.server";
import { prismaRunner, type SqlRunner } from "../db/driver.server";
import { typedValue } from "../db/update-rows.server";

export type ConsentScope = "marketing" | "restock";

export interface ConsentFact {
  shopId: string;
  customerId: string | null;
  phone: string | null;
  state: SmsConsentState;
  optInLevel?: string | null;
  source: ConsentSource;
  wording?: string | null;
  /** "marketing" (default) or "restock": a back-in-stock alert for evidence.variantId only. */
  scope?: ConsentScope;
  occurredAt: Date;
  evidence?: Record<string, unknown>;
}

/** Shopify's sms_marketing_consent.state → the ledger's state. */
export function consentStateFromShopify(state: string): SmsConsentState {
  switch (state.toLowerCase()) {
    case "subscribed":
      return "SUBSCRIBED";
    case "unsubscribed":
      return "UNSUBSCRIBED";
    case "pending":
      return "PENDING";
    case "redacted":
      return "REDACTED";
    default:
      return "NOT_SUBSCRIBED"; // not_subscribed, invalid
  }
}

/**
 * The keyed hash a fact keeps of its number (contacts/number-hash), written with the fact by
 * every writer (this ledger and the sync's batch insert): once customers/redact clears the
 * number, the fact can still be matched to a number someone presents, and facts never
 * redacted are found the same way as redacted ones.
 */
export const factPhoneHash = (shopId: string, phone: string | null) =>
  phone ? numberHasher().hash(shopId, phone) : null;

/**
 * Appends a consent fact to the ledger (a repeat of the same fact is ignored) and
 * re-derives the customer's current consent: the fact with the latest `occurredAt` wins,
 * so facts arriving out of order give the same result as in order.
 */
export async function recordConsent(db: Db, fact: ConsentFact): Promise<void> {
  const duplicate = await db.consentEvent.findFirst({
    where: {
      shopId: fact.shopId,
      customerId: fact.customerId,
      phone: fact.phone,
      state: fact.state,
      scope: fact.scope ?? "marketing",
      occurredAt: fact.occurredAt,
    },
    select: { id: true },
  });
  if (!duplicate) {
    await db.consentEvent.create({
      data: {
        shopId: fact.shopId,
        customerId: fact.customerId,
        phone: fact.phone,
        phoneHash: factPhoneHash(fact.shopId, fact.phone),
        state: fact.state,
        optInLevel: fact.optInLevel ?? null,
        source: fact.source,
        wording: fact.wording ?? null,
        scope: fact.scope ?? "marketing",
        occurredAt: fact.occurredAt,
        evidence: (fact.evidence ?? undefined) as object | undefined,
      },
    });
  }
  if (fact.customerId) await deriveCustomerConsent(db, fact.shopId, fact.customerId);
}

/**
 * The customer's consent as segments see it: the newest marketing fact for the customer's
 * current number (consent belongs to a number: a customer whose phone changed is not
 * subscribed on the new one until consent for it exists). Without a number on file, the
 * newest marketing fact of the customer (there is nobody to text either way).
 */
export const deriveCustomerConsent = (db: Db, shopId: string, customerId: string): Promise<void> =>
  deriveCustomerConsents(prismaRunner(db), { shopId, customerIds: [customerId], now: new Date() });

/**
 * The one implementation of that rule, for one customer (a webhook, a STOP) or many (the batch
 * writers: a webhook batch's or a sync's customers already mirrored): the newest marketing fact
 * for the customer's number (any number without one), NOT_SUBSCRIBED without a fact. Rows whose
 * consent stands are left as they are.
 *
 * For several customers, two UPDATEs, so that a customer whose consent time moves but whose
 * state stays (a subscriber ticking the box again at checkout) is written without `smsConsent`:
 * SQLite rewrites the entry of every index over a column the SET names, changed or not, and at a
 * million customers each is a cold leaf of (shopId, smsConsent) (docs/BENCHMARKS.md, segment
 * maintenance at 1M). The first sets both where the state moved, the second the time alone where
 * only it did; a row matches one at most (one row version on PostgreSQL). For one customer a
 * second statement costs more than the leaf, as for the order figures (commerce/customers).
 */
export async function deriveCustomerConsents(
  sql: SqlRunner,
  o: { shopId: string; customerIds: readonly string[]; now: Date },
): Promise<void> {
  if (!o.customerIds.length) return;
  const newest = (column: string) =>
    Prisma.raw(`(SELECT e."${column}" FROM "ConsentEvent" e
      WHERE e."shopId" = c."shopId" AND e."customerId" = c."id" AND e."scope" = 'marketing'
        AND (c."phone" IS NULL OR c."phone" = '' OR e."phone" = c."phone")
      ORDER BY e."occurredAt" DESC, e."recordedAt" DESC, e."id" DESC LIMIT 1)`);
  const update = (set: Prisma.Sql, where: Prisma.Sql) =>
    sql.execute(Prisma.sql`
      UPDATE "Customer" SET ${set}, "updatedAt" = ${typedValue(o.now, "timestamp")}
      FROM (
        SELECT c."id", COALESCE(${newest("state")}, 'NOT_SUBSCRIBED') AS "state", ${newest("occurredAt")} AS "at"
        FROM "Customer" c
        WHERE c."shopId" = ${o.shopId} AND c."id" IN ${inList(o.customerIds)}
      ) d
      WHERE "Customer"."id" = d."id" AND (${where})`);
  const both = Prisma.sql`"smsConsent" = d."state", "smsConsentAt" = d."at"`;
  const stateMoved = Prisma.sql`"Customer"."smsConsent" <> d."state"`;
  const timeMoved = Prisma.sql`"Customer"."smsConsentAt" IS DISTINCT FROM d."at"`;
  if (o.customerIds.length === 1) return void (await update(both, Prisma.sql`${stateMoved} OR ${timeMoved}`));
  await update(both, stateMoved);
  await update(Prisma.sql`"smsConsentAt" = d."at"`, Prisma.sql`NOT (${stateMoved}) AND ${timeMoved}`);
}

/**
 * Facts appended in two statements, for a batch (a sync's or webhook batch's customers, a
 * webhook batch's checkout consents): the facts the ledger does not hold yet, as recordConsent
 * would append them one by one (a repeat of a fact, in the ledger or earlier in `facts`, is
 * not appended). Marketing facts of customers only; the caller re-derives their consent
 * (deriveCustomerConsents) once for the batch.
 */
export async function appendConsentFacts(
  sql: SqlRunner,
  { shopId, facts }: { shopId: string; facts: readonly (ConsentFact & { customerId: string })[] },
): Promise<void> {
  if (!facts.length) return;
  const known = new Set(
    (
      await sql.query<{
        customerId: string;
        phone: string | null;
        state: string;
        occurredAt: Date | string;
      }>(Prisma.sql`
        SELECT "customerId", "phone", "state", "occurredAt" FROM "ConsentEvent"
        WHERE "shopId" = ${shopId} AND "scope" = 'marketing'
          AND "customerId" IN ${inList([...new Set(facts.map((f) => f.customerId))])}`)
    ).map((f) => factKey({ ...f, occurredAt: asDate(f.occurredAt) })),
  );
  const fresh = facts.filter((f) => !known.has(factKey(f)) && !!known.add(factKey(f)));
  await insertRows({ sql, table: "ConsentEvent", columns: FACT_COLUMNS, rows: fresh.map((f) => factRow(shopId, f)) });
}

/** A ledger row for insertRows (FACT_COLUMNS): a marketing fact as recordConsent writes it. */
export const factRow = (shopId: string, f: ConsentFact) => ({
  id: newRowId(),
  shopId,
  customerId: f.customerId,
  phone: f.phone,
  phoneHash: factPhoneHash(shopId, f.phone),
  state: f.state,
  optInLevel: f.optInLevel ?? null,
  source: f.source,
  wording: f.wording ?? null,
  scope: "marketing",
  occurredAt: f.occurredAt,
  recordedAt: new Date(),
  evidence: f.evidence ?? null,
});

export const FACT_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  customerId: "text",
  phone: "text",
  phoneHash: "text",
  state: { enum: "SmsConsentState" },
  optInLevel: "text",
  source: { enum: "ConsentSource" },
  wording: "text",
  scope: "text",
  occurredAt: "timestamp",
  recordedAt: "timestamp",
  evidence: "json",
};

/** What makes two marketing facts the same fact (recordConsent's repeat check). */
const factKey = (f: { customerId: string | null; phone: string | null; state: string; occurredAt: Date }) =>
  `${f.customerId}|${f.phone}|${f.state}|${f.occurredAt.getTime()}`;
