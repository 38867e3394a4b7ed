import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client";
import { newRowId, type ColumnType } from "../db/insert-rows.server";
import { isPostgres, typedValue } from "../db/update-rows.server";

/** One webhook delivery as the inbox stores it (WebhookInbox). */
export interface InboxDelivery {
  shopDomain: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  dedupeKey: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  receivedAt: Date;
  payload: string;
  status: "RECEIVED" | "REJECTED";
  error: string | null;
}

const COLUMNS: Record<keyof InboxDelivery | "id" | "attempts", ColumnType> = {
  id: "text",
  shopDomain: "text",
  topic: "text",
  webhookId: "text",
  eventId: "text",
  dedupeKey: "text",
  apiVersion: "text",
  triggeredAt: "timestamp",
  receivedAt: "timestamp",
  payload: "text",
  status: { enum: "InboxStatus" },
  error: "text",
  attempts: "int",
};

/**
 * Stores a delivery and its subject keys (who the body names, for customers/redact) together,
 * or nothing when the shop already has a row with its dedupe key (a redelivery): the id of the
 * new row, or null for a duplicate. This is the request path of every webhook, so it is raw
 * SQL: Prisma's nested create compiled and interpreted the query and sent four statements
 * (about a third of the route's CPU in the bench's profile, 2026-12-02).
 * - PostgreSQL: one statement (the subjects inserted in a CTE from the inbox insert's RETURNING),
 *   atomic by itself, one round trip.
 * - SQLite: the two INSERTs in one transaction (in-process, no round trips to save).
 * Either way the subject rows commit with the row: a customers/redact processed at any later
 * moment finds the body (docs/SECURITY.md).
 */
export async function storeInboxRow(db: Db, delivery: InboxDelivery, subjectKeys: string[]): Promise<string | null> {
  const pg = isPostgres();
  const row = { id: newRowId(), ...delivery, attempts: 0 };
  const names = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
  const insertInbox = Prisma.sql`INSERT INTO "WebhookInbox" (${Prisma.raw(names.map((n) => `"${n}"`).join(", "))})
    VALUES (${Prisma.join(names.map((n) => typedValue(row[n], COLUMNS[n], pg)))})
    ON CONFLICT ("shopDomain", "dedupeKey") DO NOTHING`;
  const keys = JSON.stringify(subjectKeys);
  if (pg) {
    const inserted = await db.$queryRaw<{ id: string }[]>`
      WITH inbox AS (${insertInbox} RETURNING "id"),
      subjects AS (
        INSERT INTO "WebhookInboxSubject" ("inboxId", "shopDomain", "key")
        SELECT inbox."id", ${delivery.shopDomain}, k FROM inbox, json_array_elements_text(${keys}::json) AS k
      )
      SELECT "id" FROM inbox`;
    return inserted.length ? row.id : null;
  }
  const [inserted] = await db.$transaction([
    db.$executeRaw`${insertInbox}`,
    // Only under the row just inserted (not under a duplicate's id, which never existed).
    db.$executeRaw`INSERT INTO "WebhookInboxSubject" ("inboxId", "shopDomain", "key")
      SELECT ${row.id}, ${delivery.shopDomain}, value FROM json_each(${keys})
      WHERE EXISTS (SELECT 1 FROM "WebhookInbox" WHERE "id" = ${row.id})`,
  ]);
  return inserted ? row.id : null;
}
