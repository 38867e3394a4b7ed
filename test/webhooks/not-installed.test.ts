import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import db from "../../app/db.server";
import { NOT_INSTALLED } from "../../app/webhooks/process.server";
import { TestShop, uniqueShop } from "../support/app";
import { checkoutPayload, customerPayload, orderPayload } from "../support/fixtures";

// A shop exists for the app only through an install (Shopify's afterAuth, an authenticated
// admin session: commerce/shops installShop). A webhook for a domain the app holds no shop
// for (never installed there, or erased by shop/redact) is answered 200, so Shopify does not
// retry it, and creates nothing (docs/ARCHITECTURE.md, "Installed shops").

/**
 * Rows of every table a webhook could write for any shop but those that existed before the
 * test: jobs other test files left due may still write to their own shops while this one runs.
 */
const everything = async () => {
  const existing = { shopId: { notIn: (await db.shop.findMany({ select: { id: true } })).map((s) => s.id) } };
  return async () => ({
    shops: await db.shop.count(),
    settings: await db.shopSettings.count({ where: existing }),
    segments: await db.segment.count({ where: existing }),
    flows: await db.flow.count({ where: existing }),
    customers: await db.customer.count({ where: existing }),
    orders: await db.order.count({ where: existing }),
    lines: await db.orderLine.count({ where: existing }),
    checkouts: await db.checkout.count({ where: existing }),
    products: await db.product.count({ where: existing }),
    consent: await db.consentEvent.count({ where: existing }),
    suppressions: await db.smsSuppression.count({ where: existing }),
    messages: await db.message.count({ where: existing }),
    exports: await db.dataExport.count({ where: existing }),
  });
};

/** What the logger writes to stderr (warnings), one parsed JSON object per line, whatever LOG_LEVEL the run has. */
function captureWarnings() {
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "warn";
  onTestFinished(() => {
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
  });
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation(
    (chunk: string | Uint8Array) => (lines.push(String(chunk)), true),
  );
  return () =>
    lines
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const inbox = (domain: string) =>
  db.webhookInbox.findMany({
    where: { shopDomain: domain },
    orderBy: { receivedAt: "asc" },
    include: { subjects: true },
  });

afterEach(() => vi.restoreAllMocks());

describe("webhooks for a shop the app is not installed in", () => {
  it("never installed: 200, nothing created, the row IGNORED with its body emptied, one log line without personal data", async () => {
    // GIVEN a shop that never installed the app
    const shop = new TestShop(uniqueShop("never-installed")).notInstalled();
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550177", smsState: "subscribed" });
    const counts = await everything();
    const before = await counts();
    const warnings = captureWarnings();

    // WHEN Shopify delivers a customer, an order and a checkout for it (send throws on anything but 200)
    await shop.deliver("customers/create", customer);
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: shop.clock.now() }));

    // THEN nothing exists that did not before: no shop, settings, segments, flows, shopper, order, consent
    expect(await counts()).toEqual(before);
    expect(await db.shop.findUnique({ where: { domain: shop.domain } })).toBeNull();
    // AND each delivery is kept as the record and the duplicate guard, IGNORED, its body and subjects gone
    const rows = await inbox(shop.domain);
    expect(rows.map((r) => r.topic)).toEqual(["customers/create", "orders/create", "checkouts/create"]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "IGNORED", error: NOT_INSTALLED, payload: "" });
      expect(row.payloadPrunedAt).not.toBeNull();
      expect(row.subjects).toEqual([]);
    }
    // AND one warning per delivery names the topic, the shop and the ids, never the shopper
    const logged = warnings().filter((l) => l.msg === "webhook ignored: shop not installed");
    expect(logged.map((l) => [l.topic, l.shop])).toEqual(rows.map((r) => [r.topic, shop.domain]));
    expect(logged.map((l) => l.inboxId)).toEqual(rows.map((r) => r.id));
    const text = JSON.stringify(warnings());
    for (const personal of ["4155550177", customer.email, "Jane", "Doe"]) expect(text).not.toContain(personal);
  });

  it("a redelivery of an ignored webhook is a duplicate: not stored or processed again", async () => {
    const shop = new TestShop(uniqueShop("never-installed-again")).notInstalled();
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const customer = customerPayload({ updatedAt: shop.clock.now() });
    await shop.deliver("customers/create", customer, "wh-not-installed-1");
    const response = await shop.send("customers/create", customer, "wh-not-installed-1");
    await shop.work();
    expect(response.headers.get("X-Webhook-Duplicate")).toBe("1");
    expect((await inbox(shop.domain)).map((r) => r.status)).toEqual(["IGNORED"]);
  });

  it("erased by shop/redact: a late delivery, a privacy request included, brings nothing back", async () => {
    // GIVEN a shop that had the app, uninstalled it, and was erased 48 hours later
    const shop = new TestShop(uniqueShop("redacted"));
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550178", smsState: "subscribed" });
    await shop.deliver("customers/create", customer);
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    await shop.deliver("shop/redact", { shop_id: 954889, shop_domain: shop.domain });
    expect(await db.shop.count({ where: { domain: shop.domain } })).toBe(0);
    const counts = await everything();
    const before = await counts();
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);

    // WHEN late deliveries arrive for it
    await shop.deliver("customers/update", { ...customer, updated_at: new Date().toISOString() });
    await shop.deliver("orders/paid", orderPayload({ customer, at: shop.clock.now() }));
    await shop.deliver("customers/redact", {
      shop_id: 954889,
      shop_domain: shop.domain,
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
      orders_to_redact: [],
    });

    // THEN the shop stays erased, nothing is written, and the deliveries are IGNORED with empty bodies
    expect(await counts()).toEqual(before);
    expect(await db.shop.count({ where: { domain: shop.domain } })).toBe(0);
    const rows = await inbox(shop.domain);
    expect(rows.map((r) => [r.topic, r.status, r.payload])).toEqual([
      ["shop/redact", "PROCESSED", expect.any(String)],
      ["customers/update", "IGNORED", ""],
      ["orders/paid", "IGNORED", ""],
      ["customers/redact", "IGNORED", ""],
    ]);
  });

  it("installed: the same deliveries are mirrored as before", async () => {
    // GIVEN a shop that installed the app (send() installs it first, as afterAuth does)
    const shop = new TestShop(uniqueShop("installed"));
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550179" });
    // WHEN its customer orders
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    // THEN the order and its shopper are written, and the delivery is PROCESSED
    const mirrored = await db.order.findMany({ where: { shop: { domain: shop.domain } }, include: { lines: true } });
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0]!.lines.length).toBeGreaterThan(0);
    expect(await db.customer.count({ where: { shop: { domain: shop.domain }, shopifyId: String(customer.id) } })).toBe(
      1,
    );
    expect((await inbox(shop.domain)).map((r) => r.status)).toEqual(["PROCESSED"]);
  });

  it("uninstalled but not yet erased: privacy requests are still honoured (Shopify sends them after uninstall)", async () => {
    // GIVEN a shop that uninstalled the app (its data stays until shop/redact)
    const shop = new TestShop(uniqueShop("uninstalled"));
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550180" });
    await shop.deliver("customers/create", customer);
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    // WHEN the shopper asks to be erased
    await shop.deliver("customers/redact", {
      shop_id: 954889,
      shop_domain: shop.domain,
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
      orders_to_redact: [],
    });
    // THEN the request is processed: the shopper is erased
    const row = await db.customer.findFirstOrThrow({
      where: { shop: { domain: shop.domain }, shopifyId: String(customer.id) },
    });
    expect(row.redactedAt).not.toBeNull();
    expect((await inbox(shop.domain)).map((r) => r.status)).toEqual(["PROCESSED", "PROCESSED", "PROCESSED"]);
  });
});
