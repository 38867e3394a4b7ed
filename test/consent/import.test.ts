import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { importContacts, ImportError } from "../../app/consent/import.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { killableDb } from "../support/killable-db";
import { CONTACTS_CSV as CSV, CONTACTS_MAPPING as mapping, WORDING } from "../support/contacts-csv";

async function shopWithKnownCustomer(label: string) {
  const shop = new TestShop(uniqueShop(label));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await shop.deliver("customers/create", customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550164" }));
  return { shop, shopId };
}

describe("CSV import of contacts with consent evidence", () => {
  it("reports invalid numbers, rows without consent and duplicates by row; a dry run writes nothing", async () => {
    const { shop, shopId } = await shopWithKnownCustomer("import-dry");
    const report = await importContacts({
      db,
      shopId,
      csv: CSV,
      options: { mapping, defaultCountry: "US", wording: WORDING, dryRun: true },
      now: shop.clock.now(),
    });
    expect(report).toEqual({
      rows: 7,
      imported: 0,
      dryRun: true,
      invalidPhone: [{ row: 4, reason: expect.stringMatching(/not a valid number/) }],
      noConsent: [
        { row: 5, reason: "no consent" },
        { row: 6, reason: "no valid consent date" },
      ],
      duplicates: [{ row: 7, firstRow: 2 }],
    });
    expect(JSON.stringify(report)).not.toMatch(/555/); // no phone numbers in reports
    expect(await db.consentEvent.count({ where: { shopId, source: "IMPORT" } })).toBe(0);
  });

  it("imports the valid rows into the ledger with wording and evidence; known numbers join their customer", async () => {
    const { shop, shopId } = await shopWithKnownCustomer("import");
    const report = await importContacts({
      db,
      shopId,
      csv: CSV,
      options: { mapping, defaultCountry: "US", wording: WORDING, fileName: "contacts.csv" },
      now: shop.clock.now(),
    });
    expect(report.imported).toBe(3);
    const ledger = await db.consentEvent.findMany({
      where: { shopId, source: "IMPORT" },
      orderBy: { occurredAt: "asc" },
    });
    expect(ledger.map((e) => [e.phone, e.state, e.wording, e.occurredAt.toISOString()])).toEqual([
      ["+14155550161", "SUBSCRIBED", WORDING, "2026-05-01T10:00:00.000Z"],
      ["+447400123987", "SUBSCRIBED", WORDING, "2026-05-02T00:00:00.000Z"],
      ["+14155550164", "SUBSCRIBED", WORDING, "2026-05-05T00:00:00.000Z"],
    ]);
    // The row's consent columns as written; names and other columns are not consent evidence.
    expect(ledger[0]!.evidence).toEqual({
      file: "contacts.csv",
      row: 2,
      importedAt: shop.clock.now().toISOString(),
      record: { Phone: "(415) 555-0161", "Opted in": "yes", "Opt-in date": "2026-05-01T10:00:00Z" },
    });
    const contacts = await db.customer.findMany({
      where: { shopId, shopifyId: { startsWith: "local:" } },
      orderBy: { phone: "asc" },
    });
    expect(contacts.map((c) => [c.phone, c.firstName, c.timeZone])).toEqual([
      ["+14155550161", "Ava", "America/Los_Angeles"], // a 415 number: the number's zone, not "US means New York"
      ["+447400123987", "Omar", "Europe/London"],
    ]);
    expect((await shop.memberships())["sms-subscribers"]).toHaveLength(3);
  });

  it("a failure while writing leaves nothing half-imported", async () => {
    const { shop, shopId } = await shopWithKnownCustomer("import-fail");
    const faulty = killableDb();
    faulty.killAtWrite(2); // the second contact's consent (contacts are made with raw SQL: not counted)
    await expect(
      importContacts({
        db: faulty.db,
        shopId,
        csv: CSV,
        options: { mapping, defaultCountry: "US", wording: WORDING },
        now: shop.clock.now(),
      }),
    ).rejects.toThrow(/killed/);
    expect(await db.consentEvent.count({ where: { shopId, source: "IMPORT" } })).toBe(0);
    expect(await db.customer.count({ where: { shopId, shopifyId: { startsWith: "local:" } } })).toBe(0);
  });

  it("refuses a mapping to columns the file does not have, or an import without the consent wording", async () => {
    const { shop, shopId } = await shopWithKnownCustomer("import-bad");
    await expect(
      importContacts({
        db,
        shopId,
        csv: CSV,
        options: { mapping: { ...mapping, consentAt: "Date" }, wording: WORDING },
        now: shop.clock.now(),
      }),
    ).rejects.toThrow(ImportError);
    await expect(importContacts({ db, shopId, csv: CSV, options: { mapping }, now: shop.clock.now() })).rejects.toThrow(
      /wording/,
    );
  });
});
