import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { importContacts } from "../../app/consent/import.server";
import { TestShop, uniqueShop } from "../support/app";
import { sampleWith } from "../support/shopify-fixtures";
import { CONTACTS_CSV, CONTACTS_MAPPING, WORDING } from "../support/contacts-csv";

// After every new marketing subscription of a number: one text with brand, what and how
// often, "Msg & data rates may apply", HELP and STOP (app/consent/after-change.server.ts).
// Driven by Shopify's sample payloads through the signed webhook routes.

const texts = (shop: TestShop, phone: string) =>
  db.message.findMany({
    where: { shop: { domain: shop.domain }, phone, direction: "OUTBOUND" },
    orderBy: { createdAt: "asc" },
  });

const tickedCheckout = (phone: string) =>
  sampleWith("checkouts/create", { buyer_accepts_sms_marketing: true, sms_marketing_phone: phone });

const consent = (state: string, at: string) =>
  sampleWith("customers_marketing_consent/update", {
    phone: "+16135550178",
    "sms_marketing_consent.state": state,
    "sms_marketing_consent.opt_in_level": "single_opt_in",
    "sms_marketing_consent.consent_updated_at": at,
  });

describe("the confirmation text after a new subscription", () => {
  it("GIVEN Shopify's checkout sample with the box ticked WHEN delivered (twice) THEN the number gets one confirmation text", async () => {
    const shop = new TestShop(uniqueShop("welcome-checkout"));
    await ensureShop(db, shop.domain);
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550152"));
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550152")); // Shopify retries
    await shop.deliverRaw(
      "checkouts/update",
      sampleWith("checkouts/update", { buyer_accepts_sms_marketing: true, sms_marketing_phone: "+16135550152" }),
    );

    const sent = await texts(shop, "+16135550152");
    expect(sent.map((m) => [m.purpose, m.status])).toEqual([["transactional", "DELIVERED"]]);
    expect(sent[0]!.body).toMatch(
      /You're subscribed to recurring automated marketing texts \(up to 1 marketing msg per day\)/,
    );
    expect(sent[0]!.body).toMatch(/Msg & data rates may apply\. Reply HELP for help, STOP to opt out\.$/);
  });

  it("GIVEN the consent topic WHEN subscribed, unsubscribed, subscribed again THEN one text per subscription", async () => {
    const shop = new TestShop(uniqueShop("welcome-topic"));
    await ensureShop(db, shop.domain);
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T10:00:00Z"));
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T10:00:00Z"));
    expect(await texts(shop, "+16135550178")).toHaveLength(1);
    await shop.deliverRaw("customers_marketing_consent/update", consent("unsubscribed", "2026-06-01T11:00:00Z"));
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T11:30:00Z"));
    expect((await texts(shop, "+16135550178")).map((m) => m.body)).toEqual([
      expect.stringMatching(/You're subscribed/),
      expect.stringMatching(/You're subscribed/),
    ]);
  });

  it("GIVEN a number that sent STOP WHEN a checkout ticks the box for it THEN no text (the subscription does not lift the suppression)", async () => {
    const shop = new TestShop(uniqueShop("welcome-stopped"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    const { handleInbound } = await import("../../app/messaging/inbound.server");
    shop.clock.set(new Date("2021-12-31T00:00:00Z"));
    await handleInbound(shop.deps, shopId, { from: "+16135550153", body: "STOP", providerMessageId: "SMwelcomestop" });
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550153"));
    expect((await texts(shop, "+16135550153")).map((m) => m.body)).toEqual([expect.stringMatching(/unsubscribed/)]);
  });

  it("GIVEN an import of old consent WHEN imported THEN nobody is texted", async () => {
    const shop = new TestShop(uniqueShop("welcome-import"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    const report = await importContacts({
      db,
      shopId,
      csv: CONTACTS_CSV,
      options: { mapping: CONTACTS_MAPPING, wording: WORDING },
      now: new Date("2026-06-01T12:00:00Z"),
    });
    expect(report.imported).toBeGreaterThan(0);
    await shop.work();
    expect(await db.message.count({ where: { shopId } })).toBe(0);
    expect(await db.customer.count({ where: { shopId, smsConsent: "SUBSCRIBED" } })).toBe(report.imported);
  });
});
