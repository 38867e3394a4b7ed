import { describe, expect, inject, it } from "vitest";
import { randomInt } from "node:crypto";
import db from "../../app/db.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { trackLinks } from "../../app/tracking/links.server";
import { loader as link } from "../../app/routes/l.$code";
import { action as restockSignup } from "../../app/routes/proxy.restock";
import { action as status } from "../../app/routes/twilio.status.$messageId";
import { activeSuppression } from "../../app/consent/suppression.server";
import { importContacts } from "../../app/consent/import.server";
import { REDACTION_SECOND_PASS_MS } from "../../app/webhooks/process.server";
import {
  checkoutPayload,
  customerPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
} from "../support/fixtures";
import { appProxyRequest } from "../support/app-proxy";
import { twilioCallback } from "../support/twilio-server";
import { useTwilioServer } from "../support/two-way";
import { catalogSize, searchEverywhere } from "../support/db-search";

// Issue 15, "Done when": a shopper seeded across every table is erased by customers/redact
// (and with their shop by shop/redact) so that a search of every text column of every table,
// read from the database's own catalog, finds their phone, e-mail and name nowhere.
const { twilioShop, text, args, appUrl, accountSid, authToken } = useTwilioServer();
const provider = inject("databaseProvider");

/** A shopper nobody else in the test database has: a UK mobile number, an e-mail, a name. */
function uniqueShopper() {
  const national = `7412${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
  const tag = randomInt(0, 36 ** 5).toString(36);
  return {
    phone: `+44${national}`,
    national,
    email: `wren.${tag}@example.org`,
    firstName: `Wrenna${tag}`,
    lastName: `Quillfeather${tag}`,
  };
}
type Shopper = ReturnType<typeof uniqueShopper>;
const needles = (s: Shopper) => [s.phone, s.national, s.email, s.firstName, s.lastName];

/**
 * Through the real routes: a STOP from the number before it was a customer (a message, a
 * consent fact and a suppression with no customer id), the customer (subscribed), an order, a
 * checkout and a guest checkout, a restock sign-up, a text with a tracked link that was clicked
 * and its delivery callback, a data request's export.
 */
async function seedEverywhere(label: string) {
  const { shop, shopId } = await twilioShop(label);
  const s = uniqueShopper();

  // A STOP from the number, unknown to the shop: a phone-only message, fact and suppression, a reply.
  expect((await text(shop.domain, s.phone, "STOP")).status).toBe(200);
  await shop.work();

  const customer = customerPayload({
    updatedAt: new Date(),
    phone: s.phone,
    firstName: s.firstName,
    lastName: s.lastName,
    smsState: "subscribed",
    country: "GB",
    countryName: "United Kingdom",
    province: "ENG",
    city: "London",
  });
  customer.email = s.email;
  await shop.deliver("customers/create", customer);
  const order = orderPayload({ customer, at: new Date() });
  await shop.deliver("orders/create", { ...order, phone: s.phone });
  await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: new Date() }));
  // A guest checkout with the same e-mail, and one with only the number typed in the SMS box.
  await shop.deliver("checkouts/create", checkoutPayload({ customer: null, email: s.email, updatedAt: new Date() }));
  await shop.deliver("checkouts/create", {
    ...checkoutPayload({ customer: null, updatedAt: new Date(), smsMarketingPhone: s.phone }),
    phone: s.phone,
  });

  // The merchant's subscriber list names them too: the row is kept as the fact's evidence.
  const csv = `Phone,First name,Last name,Email,Opted in,Opt-in date\n0${s.national.slice(0, 4)} ${s.national.slice(4)},${s.firstName},${s.lastName},${s.email},yes,2026-05-01\n`;
  const mapping = {
    phone: "Phone",
    firstName: "First name",
    lastName: "Last name",
    email: "Email",
    consent: "Opted in",
    consentAt: "Opt-in date",
  };
  const imported = await importContacts({
    db,
    shopId,
    csv,
    options: { mapping, defaultCountry: "GB", wording: "Texts from us. Reply STOP to opt out." },
    now: shop.clock.now(),
  });
  expect(imported).toMatchObject({ imported: 1 });

  // A restock sign-up from the storefront for a sold-out variant.
  await shop.deliver(
    "products/create",
    productPayload({ id: 71, variantId: 7101, inventoryItemId: 7901, quantity: 0, updatedAt: new Date() }),
  );
  const signup = await restockSignup(
    args(
      appProxyRequest("/proxy/restock", shop.domain, {
        variantId: "7101",
        phone: s.phone,
        country: "GB",
        consent: "yes",
        wording: "Text me when it's back. Reply STOP to opt out.",
      }),
      {},
    ),
  );
  expect(signup.status).toBe(200);

  // A personal text with a tracked link, sent, clicked, and Twilio's delivery callback for it.
  const row = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
  const { id: messageId } = await scheduleMessage(shop.deps, {
    shopId,
    customerId: row.id,
    body: `Hi ${s.firstName}, your order is on its way`,
    purpose: "transactional",
    idempotencyKey: `redact-${randomInt(0, 1e9)}`,
    dueAt: shop.clock.now(),
  });
  await shop.work();
  const sent = await db.message.findUniqueOrThrow({ where: { id: messageId } });
  expect(sent.phone).toBe(s.phone);
  const links = { shopId, messageId, customerId: row.id };
  const body = await trackLinks({
    db,
    appUrl: "https://sms.example",
    body: "See https://shop.example/cart",
    owner: links,
  });
  const code = body.split("/l/")[1]!;
  expect(
    ((await link({ params: { code }, request: new Request(`https://sms.example/l/${code}`), context: {} })) as Response)
      .status,
  ).toBe(302);
  expect(await db.click.count({ where: { link: { code } } })).toBe(1);
  const callback = twilioCallback(`${appUrl()}/twilio/status/${messageId}`, authToken, {
    AccountSid: accountSid,
    MessageSid: sent.providerMessageId!,
    MessageStatus: "delivered",
    To: s.phone,
    From: "+14155550100",
    Body: sent.body,
  });
  expect((await status(args(callback, { messageId }))).status).toBe(204);
  // A provider error quoting the number, as a row stored before provider errors were masked holds it.
  await db.message.update({
    where: { id: messageId },
    data: { error: `twilio 400 (21211): The 'To' number ${s.phone} is not a valid phone number.` },
  });

  // The shopper asked what the shop holds: the export names them.
  await shop.deliver("customers/data_request", {
    shop_id: 954889,
    shop_domain: shop.domain,
    orders_requested: [order.id],
    data_request: { id: randomInt(1, 1_000_000) },
    customer: { id: customer.id, email: s.email, phone: s.phone },
  });
  return { shop, shopId, shopper: s, customer, order };
}

describe("customers/redact erases the shopper everywhere", () => {
  it("GIVEN a shopper in every table WHEN customers/redact is processed THEN no text column of any table names them", async () => {
    const { shop, shopId, shopper, customer, order } = await seedEverywhere("redact-all");
    // The seed reached everywhere the search will look (a search that finds nothing proves nothing).
    const before = await searchEverywhere(provider, needles(shopper));
    const tables = new Set(before.map((f) => f.where.replace(/\.[^.]+$/, "").replace(/"/g, "")));
    const seeded = ["WebhookInbox", "Customer", "Checkout", "ConsentEvent", "SmsSuppression", "Message"];
    seeded.push("DataExport");
    expect(seeded.filter((t) => ![...tables].some((name) => name.endsWith(`.${t}`) || name === t))).toEqual([]);
    // Twilio's callback named the number and the text; the delivery event keeps neither.
    expect(tables.has("DeliveryEvent")).toBe(false);

    // (The restock sign-up joined the customer: a watch by customer id, no text to find.)
    const watch = { shopId, customer: { shopifyId: String(customer.id) } };
    expect(await db.restockWatch.count({ where: watch })).toBe(1);

    // WHEN Shopify sends customers/redact, signed, into the real route, and the worker runs
    await shop.deliver("customers/redact", {
      shop_id: 954889,
      shop_domain: shop.domain,
      orders_to_redact: [order.id],
      customer: { id: customer.id, email: shopper.email, phone: shopper.phone },
    });
    // (and its second pass runs, which also empties the request's own body)
    shop.clock.advance(REDACTION_SECOND_PASS_MS);
    await shop.work();

    // THEN nothing in the database names them
    expect(await searchEverywhere(provider, needles(shopper))).toEqual([]);
    const size = await catalogSize(provider);
    expect(size.tables).toBeGreaterThan(25);

    expect(await db.restockWatch.count({ where: watch })).toBe(0);

    // AND the consent proof is kept, anonymised: the facts, with a keyed hash for the number
    const facts = await db.consentEvent.findMany({ where: { shopId, redactedAt: { not: null } } });
    expect(facts.length).toBeGreaterThanOrEqual(3);
    expect(facts.every((f) => f.phone === null && f.phoneHash?.startsWith("hmac:"))).toBe(true);
    expect(facts.map((f) => f.state)).toEqual(expect.arrayContaining(["UNSUBSCRIBED", "SUBSCRIBED"]));

    // AND the STOP is still honoured for that number, kept only as its keyed hash
    expect(await activeSuppression(db, shopId, shopper.phone)).toMatchObject({ reason: "stop" });
    expect(await db.smsSuppression.count({ where: { shopId, phone: shopper.phone } })).toBe(0);

    // AND the inbox rows stay as duplicate guards, bodies emptied
    const inbox = await db.webhookInbox.findMany({ where: { shopDomain: shop.domain, topic: { startsWith: "c" } } });
    expect(inbox.length).toBeGreaterThan(0);
    expect(
      await db.webhookInboxSubject.count({ where: { shopDomain: shop.domain, key: `customer:${customer.id}` } }),
    ).toBe(0);
  });

  it("GIVEN a shopper in every table WHEN the shop is uninstalled and shop/redact arrives THEN nothing of them is left", async () => {
    const { shop, shopper } = await seedEverywhere("redact-shop");
    const { id: shopId } = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
    await shop.deliver(
      "inventory_levels/update",
      inventoryLevelPayload({ inventoryItemId: 7901, locationId: 1, available: 0, updatedAt: new Date() }),
    );
    expect(await db.inventoryLevelChange.count({ where: { shopId } })).toBeGreaterThan(0);
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    await shop.deliver("shop/redact", { shop_id: 954889, shop_domain: shop.domain });

    expect(await searchEverywhere(provider, needles(shopper))).toEqual([]);
    // Only the shop/redact delivery itself is left, as the record that it was done (no shopper in it).
    expect(
      await db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, select: { topic: true, status: true } }),
    ).toEqual([{ topic: "shop/redact", status: "PROCESSED" }]);
    // Nor the shop's catalogue stock (no shopper in it, but the shop's data all the same).
    expect(await db.inventoryLevel.count({ where: { shopId } })).toBe(0);
    expect(await db.inventoryLevelChange.count({ where: { shopId } })).toBe(0);
  });
});
