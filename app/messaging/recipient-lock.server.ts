import type { Db } from "../db.server";
import { SECOND } from "../clock";

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

/** `lockRecipient` for many shoppers at once (batch dispatch): returns the ids now locked by this caller. */
export async function lockRecipients(db: Db, customerIds: string[], now: Date): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const locked = await db.customer.updateManyAndReturn({
    where: { id: { in: customerIds }, OR: [{ sendLockedUntil: null }, { sendLockedUntil: { lte: now } }] },
    data: { sendLockedUntil: new Date(now.getTime() + SEND_LOCK_LEASE) },
    select: { id: true },
  });
  return locked.map((c) => c.id);
}

export async function unlockRecipients(db: Db, customerIds: string[]): Promise<void> {
  await db.customer.updateMany({ where: { id: { in: customerIds } }, data: { sendLockedUntil: null } });
}
