import type { Db } from "../db.server";
import { asDate, valueList } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";
import { Prisma } from "../generated/sqlite/client";

/**
 * The reads batch dispatch makes for every batch of send jobs, in raw SQL: Prisma's client
 * compiles a plan for every statement it runs (no plan cache in 6.19's query compiler, and an
 * `IN` list of another length is another query), which was ~27 % of a send worker's CPU in the
 * bench's profile. Even a raw statement went through the compiler and Prisma's client around it
 * (another ~25 %), so the send path's statements run on the driver adapter itself
 * (db/driver.server `sqlOn`). Rows come back as the driver gives them (a timestamp as text, a
 * JSON column text, a decimal text), so each is converted here, once, to the types the
 * dispatcher uses.
 */

/** A send job's message, with the fields dispatch uses, and its customer's current state. */
export interface DispatchMessage {
  id: string;
  shopId: string;
  customerId: string | null;
  phone: string | null;
  purpose: string;
  body: string;
  flowRunId: string | null;
  status: "SCHEDULED" | "HELD" | "SENDING";
  dueAt: Date | null;
  sentAt: Date | null;
  claimedUntil: Date | null;
  pacedSlotAt: Date | null;
  gateDecisions: unknown;
  attempts: number;
  createdAt: Date;
  customer: DispatchCustomer | null;
}

export interface DispatchCustomer {
  id: string;
  phone: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  latitude: number | null;
  longitude: number | null;
  smsConsent: string;
  deletedAt: Date | null;
  redactedAt: Date | null;
}

/** The shop a batch sends for, with the settings the gates, pacing and provider need. */
export interface DispatchShop {
  id: string;
  name: string | null;
  domain: string;
  ianaTimezone: string;
  uninstalledAt: Date | null;
  settings: {
    senderName: string | null;
    provider: string;
    providerCredentialsEnc: string | null;
    messagesPerSecond: number;
    quietHoursStartMinute: number;
    quietHoursEndMinute: number;
    frequencyCapCount: number;
    frequencyCapHours: number;
    costPerSegment: number;
  };
}

type Raw = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : (v ?? null));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The batch's messages still to send (SCHEDULED, HELD or SENDING) with their customers: one statement. */
export async function readDispatchMessages(db: Db, ids: readonly string[]): Promise<DispatchMessage[]> {
  if (ids.length === 0) return [];
  const rows = await sqlOn(db).query<Raw>(Prisma.sql`SELECT m."id", m."shopId", m."customerId", m."phone", m."purpose",
      m."body", m."flowRunId", m."status", m."dueAt", m."sentAt", m."claimedUntil", m."pacedSlotAt", m."gateDecisions",
      m."attempts", m."createdAt", c."id" AS "c_id", c."phone" AS "c_phone", c."countryCode" AS "c_countryCode",
      c."provinceCode" AS "c_provinceCode", c."latitude" AS "c_latitude", c."longitude" AS "c_longitude",
      c."smsConsent" AS "c_smsConsent", c."deletedAt" AS "c_deletedAt", c."redactedAt" AS "c_redactedAt"
    FROM "Message" m LEFT JOIN "Customer" c ON c."id" = m."customerId"
    WHERE m."id" IN (${valueList(ids)}) AND m."status" IN ('SCHEDULED', 'HELD', 'SENDING')`);
  return rows.map((r) => ({
    id: String(r.id),
    shopId: String(r.shopId),
    customerId: str(r.customerId),
    phone: str(r.phone),
    purpose: String(r.purpose),
    body: String(r.body),
    flowRunId: str(r.flowRunId),
    status: r.status as DispatchMessage["status"],
    dueAt: asDate(r.dueAt as Date | string | null),
    sentAt: asDate(r.sentAt as Date | string | null),
    claimedUntil: asDate(r.claimedUntil as Date | string | null),
    pacedSlotAt: asDate(r.pacedSlotAt as Date | string | null),
    gateDecisions: json(r.gateDecisions),
    attempts: Number(r.attempts),
    createdAt: asDate(r.createdAt as Date | string),
    customer:
      r.c_id === null || r.c_id === undefined
        ? null
        : {
            id: String(r.c_id),
            phone: str(r.c_phone),
            countryCode: str(r.c_countryCode),
            provinceCode: str(r.c_provinceCode),
            latitude: num(r.c_latitude),
            longitude: num(r.c_longitude),
            smsConsent: String(r.c_smsConsent),
            deletedAt: asDate(r.c_deletedAt as Date | string | null),
            redactedAt: asDate(r.c_redactedAt as Date | string | null),
          },
  }));
}

/** The batch's shops with their settings, by id: one statement (a shop without settings is left out). */
export async function readDispatchShops(db: Db, shopIds: readonly string[]): Promise<Map<string, DispatchShop>> {
  if (shopIds.length === 0) return new Map();
  const rows = await sqlOn(db)
    .query<Raw>(Prisma.sql`SELECT s."id", s."name", s."domain", s."ianaTimezone", s."uninstalledAt",
      t."senderName", t."provider", t."providerCredentialsEnc", t."messagesPerSecond", t."quietHoursStartMinute",
      t."quietHoursEndMinute", t."frequencyCapCount", t."frequencyCapHours", t."costPerSegment"
    FROM "Shop" s JOIN "ShopSettings" t ON t."shopId" = s."id"
    WHERE s."id" IN (${valueList(shopIds)})`);
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        id: String(r.id),
        name: str(r.name),
        domain: String(r.domain),
        ianaTimezone: String(r.ianaTimezone),
        uninstalledAt: asDate(r.uninstalledAt as Date | string | null),
        settings: {
          senderName: str(r.senderName),
          provider: String(r.provider),
          providerCredentialsEnc: str(r.providerCredentialsEnc),
          messagesPerSecond: Number(r.messagesPerSecond),
          quietHoursStartMinute: Number(r.quietHoursStartMinute),
          quietHoursEndMinute: Number(r.quietHoursEndMinute),
          frequencyCapCount: Number(r.frequencyCapCount),
          frequencyCapHours: Number(r.frequencyCapHours),
          costPerSegment: Number(r.costPerSegment),
        },
      },
    ]),
  );
}
