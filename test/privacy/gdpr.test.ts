import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

describe("privacy webhooks do what they say", () => {
  it("customers/data_request exports the shopper's data; customers/redact erases it", async () => {
    const shop = new TestShop(uniqueShop("gdpr"));
    const customer = customerPayload({
      id: 191167,
      phone: "+16135550135",
      smsState: "subscribed",
      updatedAt: shop.clock.now(),
    });
    // Shipped to an address Shopify geocoded: the app keeps its coordinates for the time zone.
    const order = orderPayload({ customer, at: shop.clock.now() });
    await shop.deliver("orders/create", {
      ...order,
      shipping_address: { ...order.shipping_address, latitude: 45.4215, longitude: -75.6972 },
    });
    const before = await db.customer.findFirstOrThrow({
      where: { shopifyId: "191167", shop: { domain: shop.domain } },
    });
    expect(before).toMatchObject({ latitude: 45.4215, longitude: -75.6972 });

    await shop.deliver("customers/data_request", {
      shop_id: 954889,
      shop_domain: shop.domain,
      orders_requested: [],
      data_request: { id: 9999 },
      customer: { id: 191167, email: customer.email, phone: "+16135550135" },
    });
    const exported = await db.dataExport.findFirstOrThrow({ where: { requestRef: "9999" } });
    const text = JSON.stringify(exported.payload);
    expect(text).toContain("+16135550135");
    expect(text).toContain(customer.email);
    expect(text).toContain("SUBSCRIBED");

    await shop.deliver("customers/redact", {
      shop_id: 954889,
      shop_domain: shop.domain,
      orders_to_redact: [],
      customer: { id: 191167, email: customer.email, phone: "+16135550135" },
    });
    const row = await db.customer.findFirstOrThrow({ where: { shopifyId: "191167", shop: { domain: shop.domain } } });
    expect(row).toMatchObject({ email: null, phone: null, firstName: null, lastName: null, smsConsent: "REDACTED" });
    // Where they live goes too: the order address's coordinates and the zone derived from them.
    expect(row).toMatchObject({ city: null, latitude: null, longitude: null, timeZone: null });
    expect(row.redactedAt).not.toBeNull();
    const ledger = await db.consentEvent.findMany({ where: { customerId: row.id } });
    expect(ledger.length).toBeGreaterThan(0);
    expect(JSON.stringify(ledger)).not.toContain("6135550135");
    expect(await shop.segmentsOf(191167)).toEqual([]);
    expect(await db.dataExport.count({ where: { requestRef: "9999" } })).toBe(0);
  });

  it("GIVEN a data request naming the shopper by e-mail only WHEN customers/redact names them by id THEN the export goes", async () => {
    const shop = new TestShop(uniqueShop("gdpr-email"));
    const customer = customerPayload({ id: 191168, phone: "+16135550136", updatedAt: shop.clock.now() });
    await shop.deliver("customers/create", customer);
    const request = { shop_id: 954889, shop_domain: shop.domain, orders_requested: [] };
    await shop.deliver("customers/data_request", {
      ...request,
      data_request: { id: 9998 },
      customer: { email: customer.email },
    });
    expect(await db.dataExport.count({ where: { requestRef: "9998" } })).toBe(1);

    await shop.deliver("customers/redact", { ...request, orders_to_redact: [], customer: { id: 191168 } });

    expect(await db.dataExport.count({ where: { requestRef: "9998" } })).toBe(0);
  });

  it("app/uninstalled removes sessions; shop/redact erases the shop", async () => {
    const shop = new TestShop(uniqueShop("bye"));
    await shop.deliver("customers/create", customerPayload({ updatedAt: shop.clock.now() }));
    await db.session.create({
      data: { id: `offline_${shop.domain}`, shop: shop.domain, state: "", accessToken: "tok" },
    });
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    expect(await db.session.count({ where: { shop: shop.domain } })).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).uninstalledAt).not.toBeNull();

    await shop.deliver("shop/redact", { shop_id: 954889, shop_domain: shop.domain });
    expect(await db.shop.count({ where: { domain: shop.domain } })).toBe(0);
    // Only the shop/redact delivery is left, processed: the record that the shop was erased.
    expect(
      await db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, select: { topic: true, status: true } }),
    ).toEqual([{ topic: "shop/redact", status: "PROCESSED" }]);
  });
});
