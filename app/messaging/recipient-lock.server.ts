import type { Db } from "../db.server";
import { SECOND } from "../clock";
import { Prisma } from "../generated/sqlite/client";
import { typedValue } from "../db/update-rows.server";
import { sqlOn } from "../db/driver.server";

/**
 * A per-recipient lease on Customer.sendLockedUntil, taken by a conditional update (atomic on
 * SQLite and PostgreSQL alike): a worker counting a shopper's marketing texts against the
 * caps holds it until its own text is claimed (SENDING), so a second worker racing on the
 * same shopper either waits for the lease or counts the first one's text. A worker that dies
 * holding it only delays that shopper's texts until the lease runs out.
 */
export const SEND_LOCK_LEASE = 30 * SECOND;

export async function lockRecipient(db: Db, customerId: string, now: Date): Promise<boolean> {
  const { count } = await db.customer.updateMany({
    where: { id: customerId, OR: [{ sendLockedUntil: null }, { sendLockedUntil: { lte: now } }] },
    data: { sendLockedUntil: new Date(now.getTime() + SEND_LOCK_LEASE) },
  });
  return count === 1;
}

export async function unlockRecipient(db: Db, customerId: string): Promise<void> {
  await db.customer.updateMany({ where: { id: customerId }, data: { sendLockedUntil: null } });
}

/**
 * `lockRecipient` for many shoppers at once (batch dispatch): returns the ids now locked by
 * this caller. One statement (Prisma's updateManyAndReturn is three: BEGIN, UPDATE, COMMIT).
 */
export async function lockRecipients(db: Db, customerIds: string[], now: Date): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const until = typedValue(new Date(now.getTime() + SEND_LOCK_LEASE), "timestamp");
  const locked = await sqlOn(db).query<{ id: string }>(Prisma.sql`UPDATE "Customer"
    SET "sendLockedUntil" = ${until}, "updatedAt" = ${typedValue(new Date(), "timestamp")}
    WHERE "id" IN (${Prisma.join(customerIds)})
      AND ("sendLockedUntil" IS NULL OR "sendLockedUntil" <= ${typedValue(now, "timestamp")})
    RETURNING "id"`);
  return locked.map((c) => c.id);
}

/** Releases the send locks of these shoppers, in one statement. */
export async function unlockRecipients(db: Db, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await sqlOn(db).execute(unlockStatement(customerIds));
}

/**
 * The statement that releases these shoppers' send locks: unlockRecipients runs it alone;
 * batch dispatch runs it inside its claims' statement on PostgreSQL (db/update-rows `alongside`).
 */
export const unlockStatement = (customerIds: string[]) =>
  Prisma.sql`UPDATE "Customer" SET "sendLockedUntil" = NULL, "updatedAt" = ${typedValue(new Date(), "timestamp")}
    WHERE "id" IN (${Prisma.join(customerIds)})`;
