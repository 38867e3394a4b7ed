import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, MINUTE } from "../../app/clock";
import { TestShop, uniqueShop } from "../support/app";
import { sampleText, sampleWith } from "../support/shopify-fixtures";
import { disclosureText } from "../../extensions/sms-consent-checkout/src/disclosure";

// Every consent path Shopify has, driven by Shopify's own sample payloads
// (test/fixtures/shopify/webhooks) through the signed webhook routes and a worker tick.

const CHECKOUT_CUSTOMER = "603851970716743426"; // beyond 2^53 in Shopify's sample
const SAMPLE_CUSTOMER = "706405506930370084";

/** Shopify's checkout sample with the box ticked for `phone` and, for a guest, no customer. */
const tickedCheckout = (phone: string, guest = false) => {
  const text = sampleWith("checkouts/create", { buyer_accepts_sms_marketing: true, sms_marketing_phone: phone });
  return guest ? text.replace(/"customer": \{[\s\S]*\n {2}\}\n\}\s*$/, '"customer": null\n}\n') : text;
};

const customerOf = (shop: TestShop, shopifyId: string) =>
  db.customer.findFirstOrThrow({ where: { shopifyId, shop: { domain: shop.domain } } });
const ledgerOf = (customerId: string) =>
  db.consentEvent.findMany({ where: { customerId }, orderBy: [{ occurredAt: "asc" }, { recordedAt: "asc" }] });

describe("checkout consent (buyer_accepts_sms_marketing + sms_marketing_phone)", () => {
  it("GIVEN Shopify's checkout sample with the SMS box ticked WHEN delivered THEN the shopper is subscribed on sms_marketing_phone", async () => {
    const shop = new TestShop(uniqueShop("chk-consent"));
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550142"));

    const customer = await customerOf(shop, CHECKOUT_CUSTOMER);
    expect(customer.smsConsent).toBe("SUBSCRIBED");
    const [fact] = await ledgerOf(customer.id);
    expect(fact).toMatchObject({ source: "CHECKOUT", state: "SUBSCRIBED", phone: "+16135550142" });
    expect(fact!.evidence).toMatchObject({ field: "buyer_accepts_sms_marketing+sms_marketing_phone" });
    expect(fact!.occurredAt.toISOString()).toBe("2022-01-01T00:00:00.000Z"); // the sample's created_at
    // No disclosure published: the extension showed its default text, which is what is recorded.
    expect(fact!.wording).toBe(
      disclosureText({ fromApp: null, shopName: shop.domain.replace(/\.myshopify\.com$/, "") }),
    );
    expect(fact!.wording).toMatch(
      /recurring marketing texts from .* Msg & data rates may apply\. Reply STOP to opt out\.$/,
    );
    // The customer had no number on file: the one given for texts is now theirs.
    expect(customer.phone).toBe("+16135550142");
    expect(await shop.segmentsOf(CHECKOUT_CUSTOMER)).toContain("sms-subscribers");
  });

  it("GIVEN Shopify's checkout sample as published (box not ticked) WHEN delivered THEN no consent is recorded", async () => {
    const shop = new TestShop(uniqueShop("chk-none"));
    await shop.deliverRaw("checkouts/create", sampleText("checkouts/create"));

    const customer = await customerOf(shop, CHECKOUT_CUSTOMER);
    expect(customer.smsConsent).toBe("NOT_SUBSCRIBED");
    expect(await ledgerOf(customer.id)).toEqual([]);
  });

  it("GIVEN a guest checkout with the box ticked WHEN delivered THEN a contact keyed by an opaque id holds the consent", async () => {
    const shop = new TestShop(uniqueShop("chk-guest"));
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550143", true));

    const contact = await db.customer.findFirstOrThrow({
      where: { phone: "+16135550143", shop: { domain: shop.domain } },
    });
    expect(contact.shopifyId).toMatch(/^local:[0-9a-f-]{36}$/);
    expect(contact.shopifyId).not.toContain("6135550143");
    expect(contact.smsConsent).toBe("SUBSCRIBED");
    const checkout = await db.checkout.findFirstOrThrow({
      where: { token: "123123123", shop: { domain: shop.domain } },
    });
    expect(checkout.customerId).toBe(contact.id);
  });

  it("GIVEN a guest contact WHEN a Shopify customer appears with that number THEN the contact merges into the customer", async () => {
    const shop = new TestShop(uniqueShop("chk-merge"));
    await shop.deliverRaw("checkouts/create", tickedCheckout("+16135550199", true));
    shop.clock.advance(MINUTE);
    await shop.deliverRaw("customers/create", sampleWith("customers/create", { phone: "+16135550199" }));

    const customer = await customerOf(shop, SAMPLE_CUSTOMER);
    expect(customer.smsConsent).toBe("SUBSCRIBED");
    expect((await ledgerOf(customer.id)).map((f) => f.source)).toEqual(["CHECKOUT"]);
    const contacts = await db.customer.findMany({
      where: { shop: { domain: shop.domain }, shopifyId: { startsWith: "local:" } },
    });
    expect(contacts.map((c) => c.deletedAt !== null)).toEqual([true]);
    expect((await shop.memberships())["sms-subscribers"]).toEqual([SAMPLE_CUSTOMER]);
  });
});

describe("customers_marketing_consent/update", () => {
  const consent = (state: string, at: string) =>
    sampleWith("customers_marketing_consent/update", {
      phone: "+16135550177",
      "sms_marketing_consent.state": state,
      "sms_marketing_consent.opt_in_level": "single_opt_in",
      "sms_marketing_consent.consent_updated_at": at,
    });

  it("GIVEN the consent topic WHEN subscribed then unsubscribed THEN the state moves both ways, by Shopify's time", async () => {
    const shop = new TestShop(uniqueShop("mc-both"));
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T10:00:00Z"));
    const customer = await customerOf(shop, SAMPLE_CUSTOMER);
    expect(customer.smsConsent).toBe("SUBSCRIBED");
    expect(customer.phone).toBe("+16135550177");

    await shop.deliverRaw("customers_marketing_consent/update", consent("unsubscribed", "2026-06-02T10:00:00Z"));
    expect((await customerOf(shop, SAMPLE_CUSTOMER)).smsConsent).toBe("UNSUBSCRIBED");
    // An older fact arriving late changes nothing.
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T12:00:00Z"));
    expect((await customerOf(shop, SAMPLE_CUSTOMER)).smsConsent).toBe("UNSUBSCRIBED");
    const ledger = await ledgerOf(customer.id);
    expect(ledger.map((f) => [f.state, f.source])).toEqual([
      ["SUBSCRIBED", "SHOPIFY_SYNC"],
      ["SUBSCRIBED", "SHOPIFY_SYNC"],
      ["UNSUBSCRIBED", "SHOPIFY_SYNC"],
    ]);
    expect(ledger[0]!.evidence).toMatchObject({
      topic: "customers_marketing_consent/update",
      field: "sms_marketing_consent",
    });
  });

  it("GIVEN Shopify's sample as published (state null) WHEN delivered THEN it is accepted and records no fact", async () => {
    const shop = new TestShop(uniqueShop("mc-null"));
    await shop.deliverRaw("customers_marketing_consent/update", sampleText("customers_marketing_consent/update"));
    const customer = await customerOf(shop, SAMPLE_CUSTOMER);
    expect(await ledgerOf(customer.id)).toEqual([]);
    expect(customer.smsConsent).toBe("NOT_SUBSCRIBED");
  });

  it("GIVEN consent arrived first WHEN customers/create follows THEN the profile fills the same row", async () => {
    const shop = new TestShop(uniqueShop("mc-first"));
    await shop.deliverRaw("customers_marketing_consent/update", consent("subscribed", "2026-06-01T10:00:00Z"));
    shop.clock.advance(DAY);
    await shop.deliverRaw("customers/create", sampleWith("customers/create", { phone: "+16135550177" }));
    const rows = await db.customer.findMany({ where: { shop: { domain: shop.domain } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ firstName: "Bob", smsConsent: "SUBSCRIBED", shopifyId: SAMPLE_CUSTOMER });
  });
});
