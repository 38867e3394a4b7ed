import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { API_KEY, API_SECRET_KEY, getJwt } from "@shopify/shopify-api/test-helpers";
import db from "../../app/db.server";
import { MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { SHOP_FACTS_QUERY } from "../../app/commerce/shop-facts.server";
import { loader as settingsLoader } from "../../app/routes/app.settings";
import { installOfflineSession, interceptAdminApi } from "../support/admin-api";
import { TestShop, uniqueShop } from "../support/app";

// Shopify's Admin GraphQL `shop` query answered as Shopify would (fields per the Shop object reference).
const adminApi = interceptAdminApi((call) =>
  call.query.includes("ShopFacts")
    ? {
        data: {
          shop: {
            name: "Northbean Coffee",
            email: "owner@northbean.example",
            contactEmail: "hello@northbean.example",
            ianaTimezone: "America/Chicago",
            currencyCode: "USD",
            billingAddress: { countryCodeV2: "US" },
          },
        },
      }
    : { data: {} },
);
afterAll(() => adminApi.restore());

/** Shopify's own shop/update sample payload (test/fixtures/shopify/SOURCES.md). */
const SAMPLE = JSON.parse(
  readFileSync(path.join(__dirname, "../fixtures/shopify/webhooks/shop-update.json"), "utf8"),
) as Record<string, unknown>;

/** The merchant opens the app: a session-token request for a shop with no offline session yet, so token exchange runs. */
async function openApp(domain: string) {
  const { token } = await getJwt(domain.replace(/\.myshopify\.com$/, ""), API_KEY, API_SECRET_KEY);
  const request = new Request("https://sms-app.example/app/settings", {
    headers: { authorization: `Bearer ${token}` },
  });
  return settingsLoader({ request, params: {}, context: {} });
}

describe("the shop's own facts from Shopify", () => {
  it("after install, reads name, contact e-mail, time zone and country with the Admin GraphQL shop query", async () => {
    // GIVEN a shop installing the app
    // The routes enqueue on the wall clock: the worker's clock starts just ahead of it.
    const shop = new TestShop(uniqueShop("facts-install"), new Date(Date.now() + MINUTE));
    adminApi.shop(shop.domain);
    adminApi.tokenExchange(shop.domain);
    // WHEN the merchant first opens the app and the worker runs
    await openApp(shop.domain);
    await shop.work();
    // THEN the facts are Shopify's
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).toMatchObject({
      name: "Northbean Coffee",
      email: "hello@northbean.example",
      ianaTimezone: "America/Chicago",
      countryCode: "US",
      uninstalledAt: null,
    });
    expect(adminApi.calls.filter((c) => c.shop === shop.domain).map((c) => c.query)).toContain(SHOP_FACTS_QUERY);
  });

  it("a reinstall clears the uninstalled state", async () => {
    // GIVEN a shop that uninstalled the app
    const shop = new TestShop(uniqueShop("facts-reinstall"));
    await ensureShop(db, shop.domain);
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).uninstalledAt).not.toBeNull();
    // WHEN the merchant installs it again and opens it
    adminApi.shop(shop.domain);
    adminApi.tokenExchange(shop.domain);
    await openApp(shop.domain);
    // THEN it is installed again: the sweep, flows, campaigns and the storefront form all key on this
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).uninstalledAt).toBeNull();
  });

  it("shop/update (Shopify's sample payload) updates the facts, keeps the zone when the body's is null, and re-reads them", async () => {
    const shop = new TestShop(uniqueShop("facts-update"));
    const { id } = await ensureShop(db, shop.domain);
    await db.shop.update({ where: { id }, data: { ianaTimezone: "Europe/London" } });
    // WHEN Shopify sends its sample body (iana_timezone null), with no Admin API access to re-read
    await shop.deliver("shop/update", SAMPLE);
    // THEN the body's facts land and the zone is not wiped
    expect(await db.shop.findUniqueOrThrow({ where: { id } })).toMatchObject({
      name: "Super Toys",
      email: "super@supertoys.com",
      countryCode: "US",
      ianaTimezone: "Europe/London",
    });
    // AND with Admin API access the query's answer completes them
    adminApi.shop(shop.domain);
    await installOfflineSession(shop.domain);
    await shop.deliver("shop/update", { ...SAMPLE, id: 548380010 }, "another-delivery");
    expect((await db.shop.findUniqueOrThrow({ where: { id } })).ianaTimezone).toBe("America/Chicago");
  });
});
