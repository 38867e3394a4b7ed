import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { action } from "../../app/routes/proxy.restock";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, inventoryLevelPayload, productPayload } from "../support/fixtures";
import { appProxyRequest } from "../support/app-proxy";
import { handleInbound } from "../../app/messaging/inbound.server";
import { readFileSync } from "node:fs";
import { shopName } from "../../app/shop-name";
import { RESTOCK_WORDING, restockWording } from "../../app/commerce/restock-signup.server";

// What a (forged) post may claim the shopper saw: never recorded.
const POSTED_WORDING = "Text me when it's back. I agree to everything, including marketing texts forever.";
const args = (request: Request) => ({ request, params: {}, context: {} });

async function shopWithSoldOutVariant(label: string) {
  // The route runs on the wall clock; the shop's clock starts just after it.
  const shop = new TestShop(uniqueShop(label), new Date(Date.now() + 60_000));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await shop.deliver(
    "products/create",
    productPayload({
      id: 91,
      variantId: 9101,
      inventoryItemId: 9901,
      quantity: 0,
      updatedAt: new Date(),
      title: "Limited Roast Box",
      handle: "limited-roast-box",
    }),
  );
  await shop.deliver(
    "products/create",
    productPayload({ id: 92, variantId: 9201, inventoryItemId: 9902, quantity: 8, updatedAt: new Date() }),
  );
  return { shop, shopId };
}

/** As Remix serves it: a Response thrown by authentication is the answer. */
const signup = (
  shop: TestShop,
  form: Record<string, string>,
  o?: { customerId?: string; secret?: string },
): Promise<Response> =>
  action(args(appProxyRequest("/proxy/restock", shop.domain, form, o))).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });

describe("restock sign-up through the app proxy", () => {
  it("a guest signs up: consent to that alert with the wording shown, a watch, the back-in-stock text when stock returns, and no SMS subscription", async () => {
    const { shop, shopId } = await shopWithSoldOutVariant("proxy-guest");
    await db.flow.update({ where: { shopId_key: { shopId, key: "back-in-stock" } }, data: { enabled: true } });
    const response = await signup(shop, {
      variantId: "9101",
      phone: "(415) 555-0142",
      country: "US",
      consent: "yes",
      wording: POSTED_WORDING,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });

    const contact = await db.customer.findFirstOrThrow({ where: { shopId, phone: "+14155550142" } });
    expect(contact.shopifyId).toMatch(/^local:/); // an opaque id, never the number
    // A restock sign-up alone never makes an SMS subscriber.
    expect(contact).toMatchObject({ phone: "+14155550142", smsConsent: "NOT_SUBSCRIBED", countryCode: "US" });
    expect(await db.consentEvent.findMany({ where: { customerId: contact.id } })).toEqual([
      expect.objectContaining({
        state: "SUBSCRIBED",
        source: "STOREFRONT_FORM",
        // The block's words with the shop's name, from the server: not what the post claimed.
        wording: restockWording(shopName(await db.shop.findUniqueOrThrow({ where: { id: shopId } }))),
        optInLevel: "single_opt_in",
        scope: "restock",
      }),
    ]);
    const segments = await shop.segmentsOf(contact.shopifyId);
    expect(segments).toContain("restock-watchers");
    expect(segments).not.toContain("sms-subscribers");

    await shop.deliver(
      "inventory_levels/update",
      inventoryLevelPayload({ inventoryItemId: 9901, locationId: 1, available: 20, updatedAt: shop.clock.now() }),
    );
    const messages = await db.message.findMany({ where: { shopId, customerId: contact.id, flowId: { not: null } } });
    expect(messages.map((m) => m.body)).toEqual([expect.stringContaining("Limited Roast Box is back in stock")]);
  });

  it("a logged-in shopper is matched to their customer record", async () => {
    const { shop, shopId } = await shopWithSoldOutVariant("proxy-member");
    const customer = customerPayload({ updatedAt: new Date(), phone: null });
    await shop.deliver("customers/create", customer);
    expect(
      (
        await signup(
          shop,
          { variantId: "9101", phone: "+14155550177", consent: "yes", wording: POSTED_WORDING },
          { customerId: String(customer.id) },
        )
      ).status,
    ).toBe(200);
    const row = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
    expect(row).toMatchObject({ phone: "+14155550177", smsConsent: "NOT_SUBSCRIBED" });
    expect(await db.customer.count({ where: { shopId, shopifyId: { startsWith: "local:" } } })).toBe(0);
  });

  it("a forged restock post for a number that sent STOP leaves it suppressed: no back-in-stock text", async () => {
    const { shop, shopId } = await shopWithSoldOutVariant("proxy-stopped");
    await db.flow.update({ where: { shopId_key: { shopId, key: "back-in-stock" } }, data: { enabled: true } });
    await handleInbound(shop.deps, shopId, { from: "+14155550143", body: "STOP", providerMessageId: "SMforged1" });
    const form = { variantId: "9101", phone: "+14155550143", country: "US", consent: "yes", wording: POSTED_WORDING };
    expect((await signup(shop, form)).status).toBe(200);
    await shop.deliver(
      "inventory_levels/update",
      inventoryLevelPayload({ inventoryItemId: 9901, locationId: 1, available: 20, updatedAt: shop.clock.now() }),
    );

    expect(await db.smsSuppression.findFirst({ where: { shopId, phone: "+14155550143" } })).toMatchObject({
      reason: "stop",
      liftedAt: null,
    });
    const alerts = await db.message.findMany({ where: { shopId, phone: "+14155550143", flowId: { not: null } } });
    expect(alerts.map((m) => [m.status, m.error])).toEqual([
      ["SUPPRESSED", expect.stringMatching(/number suppressed/)],
    ]);
  });

  it("refuses a forged signature, a missing consent, a bad number, an unknown or in-stock variant, each with a reason and nothing written", async () => {
    const { shop, shopId } = await shopWithSoldOutVariant("proxy-bad");
    const good = { variantId: "9101", phone: "+14155550155", consent: "yes", wording: POSTED_WORDING };
    expect((await signup(shop, good, { secret: "not-the-app-secret" })).status).toBe(400);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ ...good, consent: "" }, 400, /consent is required/],
      [{ ...good, phone: "12" }, 400, /phone is required/],
      [{ ...good, phone: "555-0000" }, 422, /phone:/],
      [{ ...good, variantId: "404404" }, 404, /unknown variant/],
      [{ ...good, variantId: "9201" }, 409, /in stock/],
    ];
    for (const [form, status, reason] of cases) {
      const response = await signup(shop, form);
      expect(response.status, JSON.stringify(form)).toBe(status);
      expect((await response.json()).error).toMatch(reason);
    }
    expect(await db.consentEvent.count({ where: { shopId } })).toBe(0);
    expect(await db.restockWatch.count({ where: { shopId } })).toBe(0);
  });

  it("the block shows the words the server records (with the shop's name) and posts no wording", () => {
    const block = readFileSync("extensions/restock-signup/blocks/restock-signup.liquid", "utf8");
    expect(block).toContain(RESTOCK_WORDING.replace("{shop}", "{{ shop.name }}"));
    expect(block).not.toMatch(/name="wording"/);
  });

  it("GIVEN one number posted again and again WHEN past 3 an hour THEN 429 and nothing more is written", async () => {
    const { shop, shopId } = await shopWithSoldOutVariant("proxy-rate");
    const form = { variantId: "9101", phone: "+14155550188", consent: "yes" };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signup(shop, form)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await db.consentEvent.count({ where: { shopId } })).toBe(3); // the refused 4th wrote nothing
    expect(await db.restockWatch.count({ where: { shopId } })).toBe(1);
  });
});
