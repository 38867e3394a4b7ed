import type { Db } from "../db.server";
import { duplicateAsNull } from "../db/unique-violation";
import { asDate, valueList } from "../db/insert-rows.server";
import { Prisma } from "../generated/sqlite/client";
import { numberHasher } from "../contacts/number-hash.server";

/**
 * The forms a suppressed number may be stored in: as is, or as its keyed hash once a
 * customers/redact erased the shopper (privacy/redact-customer): a STOP outlives the redaction.
 */
const storedForms = (shopId: string, phone: string) => ({ in: [phone, ...numberHasher().candidates(shopId, phone)] });

export type SuppressionReason = "stop" | "carrier" | "merchant";
export type LiftedBy = "start" | "confirmed_opt_in";

/**
 * The shop's suppression list, by number. STOP from the number (whoever it belongs to, or
 * nobody), a carrier opt-out or a merchant's unsubscribe suppresses it; a later suppression
 * only moves the date. Nothing else in the app touches it: an import, a Shopify sync or a
 * storefront post records consent in the ledger but never lifts a suppression.
 */
export async function suppressNumber(
  db: Db,
  s: { shopId: string; phone: string; reason: SuppressionReason; at: Date; evidence?: Record<string, unknown> },
): Promise<void> {
  const data = {
    reason: s.reason,
    suppressedAt: s.at,
    liftedAt: null,
    liftedBy: null,
    evidence: (s.evidence ?? undefined) as object | undefined,
  };
  // Insert first and treat a duplicate as "exists" (no read-then-write upsert across workers).
  const created = await db.smsSuppression
    .create({ data: { shopId: s.shopId, phone: s.phone, ...data }, select: { id: true } })
    .catch(duplicateAsNull);
  if (created) return;
  // An older STOP arriving late does not re-suppress after a newer START.
  await db.smsSuppression.updateMany({
    where: {
      shopId: s.shopId,
      phone: storedForms(s.shopId, s.phone),
      OR: [{ liftedAt: null }, { liftedAt: { lte: s.at } }],
    },
    data,
  });
}

/** START from the number, or a confirmed opt-in ("Reply Y") after the suppression. */
export async function liftSuppression(
  db: Db,
  l: { shopId: string; phone: string; by: LiftedBy; at: Date },
): Promise<boolean> {
  const { count } = await db.smsSuppression.updateMany({
    where: { shopId: l.shopId, phone: storedForms(l.shopId, l.phone), liftedAt: null, suppressedAt: { lte: l.at } },
    data: { liftedAt: l.at, liftedBy: l.by },
  });
  return count > 0;
}

export function activeSuppression(db: Db, shopId: string, phone: string) {
  return db.smsSuppression.findFirst({
    where: { shopId, phone: storedForms(shopId, phone), liftedAt: null },
    select: { reason: true, suppressedAt: true },
  });
}

type SuppressionRow = { shopId: string; phone: string; reason: string; suppressedAt: Date | string };
export type ActiveSuppressions = Map<string, { reason: string; suppressedAt: Date }>;

/**
 * `activeSuppression` for many numbers of one or more shops (batch dispatch): the statement
 * (null: nothing to ask), and the reading of its rows, by number for each ask. The send gate
 * runs it inside its consent read (consent/gate), one statement for both and for every shop.
 */
export function suppressionsQuery(asks: { shopId: string; phones: string[] }[]) {
  const formsOf = asks.map(
    ({ shopId, phones }) =>
      new Map(phones.flatMap((phone) => storedForms(shopId, phone).in.map((form) => [form, phone] as const))),
  );
  const clauses = asks.flatMap(({ shopId }, k) =>
    formsOf[k]!.size ? [Prisma.sql`("shopId" = ${shopId} AND "phone" IN (${valueList([...formsOf[k]!.keys()])}))`] : [],
  );
  const sql = clauses.length
    ? Prisma.sql`SELECT "shopId", "phone", "reason", "suppressedAt" FROM "SmsSuppression"
        WHERE (${Prisma.join(clauses, " OR ")}) AND "liftedAt" IS NULL`
    : null;
  const read = (rows: SuppressionRow[]): ActiveSuppressions[] =>
    asks.map(({ shopId }, k) => {
      const byNumber: ActiveSuppressions = new Map();
      for (const row of rows) {
        const phone = row.shopId === shopId ? formsOf[k]!.get(row.phone) : undefined;
        if (phone && !byNumber.has(phone))
          byNumber.set(phone, { reason: row.reason, suppressedAt: asDate(row.suppressedAt) });
      }
      return byNumber;
    });
  return { sql, read };
}
