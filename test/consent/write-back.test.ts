import { afterAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { handleInbound } from "../../app/messaging/inbound.server";
import { publishDisclosure } from "../../app/consent/disclosure.server";
import { shopifyAdminGraphql } from "../../app/runtime/shopify-admin-graphql.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { installOfflineSession, interceptAdminApi } from "../support/admin-api";

// Shopify's answers: the shop's id, metafieldsSet, customerSmsMarketingConsentUpdate.
const adminApi = interceptAdminApi((call) =>
  call.query.includes("ShopId")
    ? { data: { shop: { id: "gid://shopify/Shop/77" } } }
    : call.query.includes("metafieldsSet")
      ? { data: { metafieldsSet: { metafields: [{ id: "gid://shopify/Metafield/1" }], userErrors: [] } } }
      : {
          data: { customerSmsMarketingConsentUpdate: { customer: { id: "gid://shopify/Customer/1" }, userErrors: [] } },
        },
);
afterAll(() => adminApi.restore());

describe("consent changed in the app is written back to Shopify", () => {
  it("STOP calls customerSmsMarketingConsentUpdate with the ledger's state and time; Shopify's echo adds nothing", async () => {
    const shop = new TestShop(uniqueShop("writeback"), new Date("2026-07-01T17:00:00Z"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    await installOfflineSession(shop.domain);
    adminApi.shop(shop.domain);
    const customer = customerPayload({ updatedAt: shop.clock.now(), smsState: "subscribed", phone: "+14155550991" });
    await shop.deliver("customers/create", customer);
    expect(adminApi.calls.filter((c) => c.shop === shop.domain)).toHaveLength(0); // consent from Shopify is not echoed

    shop.clock.advance(MINUTE);
    await handleInbound(shop.deps, shopId, { from: "+14155550991", body: "STOP", providerMessageId: "SM-writeback-1" });
    await shop.work();

    const calls = adminApi.calls.filter((c) => c.shop === shop.domain);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query).toContain("customerSmsMarketingConsentUpdate");
    expect(calls[0]!.variables).toEqual({
      input: {
        customerId: `gid://shopify/Customer/${customer.id}`,
        smsMarketingConsent: {
          marketingState: "UNSUBSCRIBED",
          marketingOptInLevel: "SINGLE_OPT_IN",
          consentUpdatedAt: shop.clock.now().toISOString(),
        },
      },
    });

    // Shopify then sends customers/update with the state and time we wrote.
    const echo = {
      ...customer,
      updated_at: shop.clock.now().toISOString(),
      sms_marketing_consent: {
        state: "unsubscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: shop.clock.now().toISOString(),
        consent_collected_from: "OTHER",
      },
    };
    await shop.deliver("customers/update", echo);
    const ledger = await db.consentEvent.findMany({ where: { shopId }, orderBy: { occurredAt: "asc" } });
    expect(ledger.map((e) => [e.state, e.source])).toEqual([
      ["SUBSCRIBED", "SHOPIFY_SYNC"],
      ["UNSUBSCRIBED", "INBOUND_KEYWORD"],
    ]);
    expect(adminApi.calls.filter((c) => c.shop === shop.domain)).toHaveLength(1);
  });
});

describe("the checkout extension's disclosure comes from the app's settings", () => {
  it("publishes the wording as the app-owned shop metafield the extension reads", async () => {
    const shop = new TestShop(uniqueShop("disclosure"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    await installOfflineSession(shop.domain);
    adminApi.shop(shop.domain);
    const wording =
      "Texts from Northbean: offers and restocks, up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.";
    await db.shopSettings.update({ where: { shopId }, data: { disclosureText: wording } });
    await publishDisclosure({ db, admin: shopifyAdminGraphql }, shopId, shop.clock.now());
    const set = adminApi.calls.filter((c) => c.shop === shop.domain && c.query.includes("metafieldsSet"));
    expect(set).toHaveLength(1);
    expect(set[0]!.variables).toEqual({
      metafields: [
        {
          ownerId: "gid://shopify/Shop/77",
          namespace: "$app:sms",
          key: "disclosure",
          type: "multi_line_text_field",
          value: wording,
        },
      ],
    });
    // Each published text is a version: text, hash and time, for the consent facts that follow.
    expect(await db.disclosureVersion.findMany({ where: { shopId } })).toEqual([
      expect.objectContaining({
        text: wording,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        publishedAt: shop.clock.now(),
      }),
    ]);
    await publishDisclosure({ db, admin: shopifyAdminGraphql }, shopId, shop.clock.now());
    expect(await db.disclosureVersion.count({ where: { shopId } })).toBe(1); // the same text again: no new version
  });
});
