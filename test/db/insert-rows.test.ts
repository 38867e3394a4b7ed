import { describe, expect, it } from "vitest";
import db, { type Db } from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { insertRows, newRowId, type ColumnType } from "../../app/db/insert-rows.server";
import { driverTransaction, prismaRunner, type SqlRunner } from "../../app/db/driver.server";
import { uniqueShop } from "../support/app";

// insertRows binds a batch as a few parameters (one JSON text on SQLite, one typed array per
// column on PostgreSQL): every kind of value must come back from Prisma as if Prisma had written it.

const FACT_COLUMNS: Record<string, ColumnType> = {
  id: "text",
  shopId: "text",
  phone: "text",
  state: { enum: "SmsConsentState" },
  optInLevel: "text",
  source: { enum: "ConsentSource" },
  occurredAt: "timestamp",
  recordedAt: "timestamp",
  evidence: "json",
};

/** Text an array literal or a JSON document could get wrong. */
const AWKWARD = ['a "quoted", {braced} \\ back\\slashed', "NULL", "", "line\nbreak, tab\t", "émoji 📱"];

type InTransaction = (work: (sql: SqlRunner) => Promise<void>) => Promise<void>;
const PATHS: [string, InTransaction][] = [
  ["on the driver connection (a sync's batch)", (work) => driverTransaction(db, work, { resumable: true })],
  ["in a Prisma transaction (mirrored rows)", (work) => db.$transaction((tx) => work(prismaRunner(tx as Db)))],
];

describe("insertRows", () => {
  for (const [label, run] of PATHS)
    it(`GIVEN rows with nulls, enums, JSON, timestamps and awkward text WHEN inserted ${label} THEN Prisma reads them back unchanged`, async () => {
      const { id: shopId } = await ensureShop(db, uniqueShop("insert-rows"));
      const at = new Date("2026-06-01T12:34:56.789Z");
      const rows = AWKWARD.map((text, i) => ({
        id: newRowId(),
        shopId,
        phone: i % 2 ? null : text,
        state: i % 2 ? "SUBSCRIBED" : "UNSUBSCRIBED",
        optInLevel: text,
        source: "SHOPIFY_SYNC",
        occurredAt: new Date(at.getTime() + i * 1000),
        recordedAt: at,
        evidence: i === 1 ? null : { text, list: [1, null, "x"] },
      }));
      await run((sql) => insertRows({ sql, table: "ConsentEvent", columns: FACT_COLUMNS, rows }));

      const stored = await db.consentEvent.findMany({ where: { shopId }, orderBy: { occurredAt: "asc" } });
      const written = (r: (typeof rows)[number] | (typeof stored)[number]) => ({
        phone: r.phone,
        state: r.state,
        optInLevel: r.optInLevel,
        source: r.source,
        occurredAt: r.occurredAt,
        evidence: r.evidence,
      });
      expect(stored.map((r) => ({ ...written(r), scope: r.scope }))).toEqual(
        rows.map((r) => ({
          ...written(r),
          scope: "marketing", // the table's default for a column not inserted
        })),
      );
    });
});
