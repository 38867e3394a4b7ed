import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { recordConsent } from "../../app/consent/ledger.server";
import { loader as ledgerLoader } from "../../app/routes/app.consent._index";
import { action as importAction, loader as importLoader } from "../../app/routes/app.consent.import";
import { loader as exportLoader } from "../../app/routes/app.consent.export";
import { AdminClient } from "../support/admin-pages";
import { uniqueShop } from "../support/app";
import { CONTACTS_CSV as CSV, CONTACTS_MAPPING as MAPPING, WORDING } from "../support/contacts-csv";

async function importedShop(label: string) {
  const domain = uniqueShop(label);
  const client = new AdminClient(domain);
  const shop = await ensureShop(db, domain);
  const report = await client.act(importAction, "/app/consent/import", {
    intent: "import",
    csv: CSV,
    fileName: "list.csv",
    ...MAPPING,
    wording: WORDING,
    defaultCountry: "US",
  });
  expect(report).toMatchObject({ step: "done", report: { imported: 3 } });
  return { client, shop };
}

describe("consent ledger page", () => {
  it("lists the shop's facts newest first with masked phones, filters by source and state, and counts", async () => {
    const { client, shop } = await importedShop("ledger");
    const ava = await db.customer.findFirstOrThrow({ where: { shopId: shop.id, phone: "+14155550161" } });
    await recordConsent(db, {
      shopId: shop.id,
      customerId: ava.id,
      phone: ava.phone,
      state: "UNSUBSCRIBED",
      source: "INBOUND_KEYWORD",
      occurredAt: new Date("2026-06-01T09:00:00Z"),
      evidence: { body: "STOP" },
    });

    const all = await client.load(ledgerLoader, "/app/consent");
    expect(all.page.rows.map((e) => [e.state, e.source, e.occurredAt.toISOString()])).toEqual([
      ["UNSUBSCRIBED", "INBOUND_KEYWORD", "2026-06-01T09:00:00.000Z"],
      ["SUBSCRIBED", "IMPORT", "2026-05-05T00:00:00.000Z"],
      ["SUBSCRIBED", "IMPORT", "2026-05-02T00:00:00.000Z"],
      ["SUBSCRIBED", "IMPORT", "2026-05-01T10:00:00.000Z"],
    ]);
    expect(all.page.rows[3]).toMatchObject({ phone: "+1•••0161", wording: WORDING, optInLevel: "single_opt_in" });
    expect(all.page.rows[3]!.evidence).toContain('"file":"list.csv"');
    for (const number of ["5550161", "555-0161", "447400123987"])
      expect(JSON.stringify(all.page)).not.toContain(number); // no full number on screen, evidence included
    expect(all.counts).toEqual({
      subscribed: 2,
      unsubscribed: 1,
      sources: [
        { source: "IMPORT", optIns: 3, optOuts: 0 },
        { source: "INBOUND_KEYWORD", optIns: 0, optOuts: 1 },
      ],
    });

    const imports = await client.load(ledgerLoader, "/app/consent?source=IMPORT");
    expect(imports.page.rows).toHaveLength(3);
    const stops = await client.load(ledgerLoader, "/app/consent?state=UNSUBSCRIBED&source=nonsense");
    expect(stops.filter).toEqual({ state: "UNSUBSCRIBED" });
    expect(stops.page.rows.map((e) => e.source)).toEqual(["INBOUND_KEYWORD"]);
  });

  it("shows one shopper's history oldest first, with the consent derived from it", async () => {
    const { client, shop } = await importedShop("history");
    const ava = await db.customer.findFirstOrThrow({ where: { shopId: shop.id, phone: "+14155550161" } });
    // Facts arrive out of order: the latest occurredAt wins.
    await recordConsent(db, {
      shopId: shop.id,
      customerId: ava.id,
      phone: ava.phone,
      state: "SUBSCRIBED",
      source: "INBOUND_KEYWORD",
      occurredAt: new Date("2026-07-01T00:00:00Z"),
    });
    await recordConsent(db, {
      shopId: shop.id,
      customerId: ava.id,
      phone: ava.phone,
      state: "UNSUBSCRIBED",
      source: "INBOUND_KEYWORD",
      occurredAt: new Date("2026-06-01T00:00:00Z"),
    });
    const data = await client.load(ledgerLoader, `/app/consent?customer=${ava.id}`);
    expect(data.subject).toMatchObject({ id: ava.id, name: "Ava", phone: "+1•••0161", smsConsent: "SUBSCRIBED" });
    expect(data.subject!.smsConsentAt!.toISOString()).toBe("2026-07-01T00:00:00.000Z");
    expect(data.page.rows.map((e) => e.state)).toEqual(["SUBSCRIBED", "UNSUBSCRIBED", "SUBSCRIBED"]);
  });

  it("pages with a keyset cursor: no fact twice, none missed", async () => {
    const domain = uniqueShop("ledger-pages");
    const shop = await ensureShop(db, domain);
    const start = new Date("2026-01-01T00:00:00Z").getTime();
    await db.consentEvent.createMany({
      data: Array.from({ length: 63 }, (_, i) => ({
        shopId: shop.id,
        phone: `+1415555${String(1000 + i)}`,
        state: "SUBSCRIBED" as const,
        source: "IMPORT" as const,
        occurredAt: new Date(start + Math.floor(i / 2) * DAY),
      })),
    });
    const client = new AdminClient(domain);
    const first = await client.load(ledgerLoader, "/app/consent");
    expect(first.page.rows).toHaveLength(50);
    const second = await client.load(ledgerLoader, `/app/consent?after=${first.page.nextCursor}`);
    expect(second.page.rows).toHaveLength(13);
    expect(second.page.nextCursor).toBeNull();
    expect(new Set([...first.page.rows, ...second.page.rows].map((e) => e.id)).size).toBe(63);
  });

  it("another shop sees none of it: not in its ledger, its export, nor by customer id (404)", async () => {
    const { shop } = await importedShop("ledger-a");
    const ava = await db.customer.findFirstOrThrow({ where: { shopId: shop.id, phone: "+14155550161" } });
    const b = new AdminClient(uniqueShop("ledger-b"));
    expect((await b.load(ledgerLoader, "/app/consent")).page.rows).toEqual([]);
    expect(await b.statusOf(b.load(ledgerLoader, `/app/consent?customer=${ava.id}`))).toBe(404);
    const csv = await (
      await exportLoader({ request: await b.request("/app/consent/export"), params: {}, context: {} })
    ).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1); // the header only
  });
});

describe("CSV export", () => {
  it("streams the whole ledger oldest first, with full E.164 numbers, wording and evidence", async () => {
    const { client, shop } = await importedShop("export");
    const response = await exportLoader({
      request: await client.request("/app/consent/export"),
      params: {},
      context: {},
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="consent-ledger-.*\.csv"/);
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.phone, r.state, r.source, r.occurred_at, r.wording])).toEqual([
      // Numbers as text: a leading apostrophe, so a spreadsheet neither computes nor reformats them.
      ["'+14155550161", "SUBSCRIBED", "IMPORT", "2026-05-01T10:00:00.000Z", WORDING],
      ["'+447400123987", "SUBSCRIBED", "IMPORT", "2026-05-02T00:00:00.000Z", WORDING],
      ["'+14155550164", "SUBSCRIBED", "IMPORT", "2026-05-05T00:00:00.000Z", WORDING],
    ]);
    expect(JSON.parse(rows[0]!.evidence!)).toMatchObject({ file: "list.csv", row: 2, record: { "Opted in": "yes" } });
    expect(rows[0]!.customer_id).toBe(
      (await db.customer.findFirstOrThrow({ where: { shopId: shop.id, phone: "+14155550161" } })).id,
    );
  });
});

describe("CSV export cannot attack a spreadsheet", () => {
  it.each([
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ["+1+1", "'+1+1"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "'\r=1+1"],
  ])(
    "GIVEN wording %j from a storefront form WHEN exported THEN the cell reads %j (text, not a formula)",
    async (wording, cell) => {
      const { client, shop } = await importedShop(`formula-${wording.charCodeAt(0)}-${wording.length}`);
      await db.consentEvent.create({
        data: {
          shopId: shop.id,
          phone: "+14155550999",
          state: "SUBSCRIBED",
          source: "STOREFRONT_FORM",
          wording,
          occurredAt: new Date("2026-06-01T00:00:00Z"),
        },
      });
      const response = await exportLoader({
        request: await client.request("/app/consent/export"),
        params: {},
        context: {},
      });
      const rows = parse(await response.text(), { columns: true, relax_quotes: true }) as Record<string, string>[];
      expect(rows.find((r) => r.source === "STOREFRONT_FORM")!.wording).toBe(cell);
    },
  );
});

describe("CSV import page", () => {
  it("reads the columns and guesses the mapping; a dry run reports by row and writes nothing; the import writes the valid rows", async () => {
    const domain = uniqueShop("import-page");
    const shop = await ensureShop(db, domain);
    await db.shopSettings.update({ where: { shopId: shop.id }, data: { disclosureText: WORDING } });
    const client = new AdminClient(domain);
    expect(await client.load(importLoader, "/app/consent/import")).toEqual({ wording: WORDING, country: "" });

    // The file arrives as a multipart upload, as the browser sends it.
    const upload = new FormData();
    upload.set("intent", "columns");
    upload.set("file", new File([CSV], "list.csv", { type: "text/csv" }));
    const signed = await client.request("/app/consent/import");
    const request = new Request(signed.url, {
      method: "POST",
      headers: { authorization: signed.headers.get("authorization")! },
      body: upload,
    });
    const columns = await importAction({ request, params: {}, context: {} });
    expect(columns).toMatchObject({
      step: "map",
      csv: CSV,
      fileName: "list.csv",
      headers: ["Phone", "First name", "Opted in", "Opt-in date"],
      values: { phone: "Phone", consent: "Opted in", consentAt: "Opt-in date", firstName: "First name" },
    });

    const form = {
      csv: CSV,
      fileName: "list.csv",
      ...MAPPING,
      lastName: "",
      email: "",
      wordingColumn: "",
      wording: WORDING,
      defaultCountry: "us",
    };
    const dry = await client.act(importAction, "/app/consent/import", { intent: "dryRun", ...form });
    expect(dry).toMatchObject({
      step: "report",
      report: {
        rows: 7,
        imported: 0,
        dryRun: true,
        invalidPhone: [{ row: 4 }],
        noConsent: [
          { row: 5, reason: "no consent" },
          { row: 6, reason: "no valid consent date" },
        ],
        duplicates: [{ row: 7, firstRow: 2 }],
      },
    });
    expect(await db.consentEvent.count({ where: { shopId: shop.id } })).toBe(0);

    const done = await client.act(importAction, "/app/consent/import", { intent: "import", ...form });
    expect(done).toMatchObject({ step: "done", report: { imported: 3, dryRun: false } });
    expect(await db.consentEvent.count({ where: { shopId: shop.id, source: "IMPORT", state: "SUBSCRIBED" } })).toBe(3);
  });

  it("answers 400 with field errors: no file, unmapped columns, no wording, a bad country, a column the file lacks", async () => {
    const client = new AdminClient(uniqueShop("import-errors"));
    const post = (form: Record<string, string>) => client.act(importAction, "/app/consent/import", form);
    const raw = async (form: Record<string, string>) =>
      importAction({ request: await client.request("/app/consent/import", { form }), params: {}, context: {} });
    expect(await client.statusOf(raw({ intent: "columns", csv: "" }))).toBe(400);
    expect(await client.statusOf(raw({ intent: "dryRun", csv: CSV, ...MAPPING }))).toBe(400);
    expect(await post({ intent: "columns", csv: "" })).toMatchObject({
      step: "upload",
      errors: { csv: expect.stringMatching(/CSV/) },
    });

    const missing = await post({
      intent: "dryRun",
      csv: CSV,
      phone: "Phone",
      consent: "",
      consentAt: "",
      defaultCountry: "USA",
    });
    expect(missing).toMatchObject({
      step: "map",
      errors: {
        consent: expect.any(String),
        consentAt: expect.any(String),
        defaultCountry: expect.stringMatching(/two-letter/),
      },
    });

    expect(await post({ intent: "dryRun", csv: CSV, ...MAPPING })).toMatchObject({
      step: "map",
      errors: { form: expect.stringMatching(/wording/) },
    });
    expect(await post({ intent: "dryRun", csv: CSV, ...MAPPING, wording: "too short" })).toMatchObject({
      errors: { wording: expect.any(String) },
    });
    expect(await post({ intent: "dryRun", csv: CSV, ...MAPPING, consentAt: "Date", wording: WORDING })).toMatchObject({
      errors: { form: expect.stringMatching(/columns not in the file: Date/) },
    });
  });
});
