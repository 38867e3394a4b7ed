import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { recordDisclosureVersion } from "../../app/consent/disclosure.server";
import { handleInbound } from "../../app/messaging/inbound.server";
import { action as subscribe } from "../../app/routes/proxy.subscribe";
import { TestShop, uniqueShop } from "../support/app";
import { appProxyRequest } from "../support/app-proxy";

// Confirmed opt-in (CTIA Messaging Principles and Best Practices §5.1.2.1): a storefront or
// keyword sign-up records a request and texts "Reply Y to confirm"; only a Y from that number
// within the window subscribes it. Storefront posts go through the signed app-proxy route.

const DISCLOSURE =
  "By signing up, you agree to receive recurring automated marketing texts from Northbean (up to 4 msgs/month). Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to opt out, HELP for help.";

async function signupShop(label: string) {
  // The route runs on the wall clock; the shop's clock (inbound texts, the worker) just after it.
  const shop = new TestShop(uniqueShop(label), new Date(Date.now() + MINUTE));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.shop.update({ where: { id: shopId }, data: { name: "Northbean" } });
  await recordDisclosureVersion({ db, shopId, text: DISCLOSURE, publishedAt: new Date(Date.now() - DAY) });
  return { shop, shopId };
}

const post = (shop: TestShop, form: Record<string, string>, o?: { customerId?: string; ip?: string }) => {
  const request = appProxyRequest("/proxy/subscribe", shop.domain, form, o);
  if (o?.ip) request.headers.set("x-forwarded-for", `${o.ip}, 23.227.38.1`);
  return subscribe({ request, params: {}, context: {} }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });
};

const textsTo = (shopId: string, phone: string) =>
  db.message.findMany({ where: { shopId, phone, direction: "OUTBOUND" }, orderBy: { createdAt: "asc" } });
const marketingFacts = (shopId: string, phone: string) =>
  db.consentEvent.findMany({ where: { shopId, phone, scope: "marketing" }, orderBy: { occurredAt: "asc" } });
const y = (shop: TestShop, shopId: string, from: string, sid: string, body = "Y") =>
  handleInbound(shop.deps, shopId, { from, body, providerMessageId: sid });

describe("confirmed opt-in from the storefront form", () => {
  it("GIVEN a storefront sign-up WHEN posted THEN nobody is subscribed and the number is asked to reply Y", async () => {
    const { shop, shopId } = await signupShop("coi-ask");
    const response = await post(shop, { phone: "(415) 555-0161", country: "US", consent: "yes" });
    expect(response.status).toBe(200);
    await shop.work();

    expect(await marketingFacts(shopId, "+14155550161")).toEqual([]);
    expect(await db.customer.count({ where: { shopId, smsConsent: "SUBSCRIBED" } })).toBe(0);
    const [ask] = await textsTo(shopId, "+14155550161");
    expect(ask).toMatchObject({ purpose: "transactional", status: "DELIVERED" });
    expect(ask!.body).toMatch(/^Northbean: Reply Y within 24 hours to confirm/);
    for (const part of [/recurring automated marketing texts/, /per day/, /Msg & data rates may apply/, /HELP/, /STOP/])
      expect(ask!.body).toMatch(part);
  });

  it("GIVEN a sign-up WHEN the number replies Y THEN it is subscribed (confirmed opt-in, storefront form, the published wording) and confirmed by text once", async () => {
    const { shop, shopId } = await signupShop("coi-yes");
    await post(shop, { phone: "+14155550162", consent: "yes" });
    await shop.work();
    await y(shop, shopId, "+14155550162", "SMcoiyes1", "yes");
    await y(shop, shopId, "+14155550162", "SMcoiyes2"); // a second Y confirms nothing more
    await shop.work();

    const facts = await marketingFacts(shopId, "+14155550162");
    expect(facts).toEqual([
      expect.objectContaining({
        state: "SUBSCRIBED",
        optInLevel: "confirmed_opt_in",
        source: "STOREFRONT_FORM",
        wording: DISCLOSURE,
      }),
    ]);
    expect(facts[0]!.evidence).toMatchObject({ field: "reply Y", request: { form: "sms-signup" } });
    const contact = await db.customer.findFirstOrThrow({ where: { shopId, phone: "+14155550162" } });
    expect(contact.smsConsent).toBe("SUBSCRIBED");
    expect(await shop.segmentsOf(contact.shopifyId)).toContain("sms-subscribers");
    const texts = (await textsTo(shopId, "+14155550162")).map((m) => m.body);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^Northbean: You're subscribed to recurring automated marketing texts/);
    expect(texts[1]).toMatch(/Msg & data rates may apply\. Reply HELP for help, STOP to opt out\.$/);
  });

  it("GIVEN a post that carries its own wording WHEN recorded THEN the ledger holds the published disclosure, not the post's", async () => {
    const { shop, shopId } = await signupShop("coi-wording");
    await post(shop, { phone: "+14155550163", consent: "yes", wording: "I agree to nothing at all, really." });
    await y(shop, shopId, "+14155550163", "SMcoiwording");
    const [fact] = await marketingFacts(shopId, "+14155550163");
    expect(fact!.wording).toBe(DISCLOSURE);
    const request = await db.consentRequest.findFirstOrThrow({ where: { shopId, phone: "+14155550163" } });
    expect(request.wording).toBe(DISCLOSURE);
  });

  it("GIVEN a number that sent STOP WHEN the form is posted for it THEN it is not texted and stays suppressed; a Y from the number itself lifts it", async () => {
    const { shop, shopId } = await signupShop("coi-stopped");
    await y(shop, shopId, "+14155550164", "SMcoistop", "STOP");
    await shop.work();
    const before = (await textsTo(shopId, "+14155550164")).length; // the one opt-out confirmation
    expect((await post(shop, { phone: "+14155550164", consent: "yes" })).status).toBe(200);
    await shop.work();
    expect(await textsTo(shopId, "+14155550164")).toHaveLength(before);
    expect(await db.smsSuppression.findFirst({ where: { shopId, phone: "+14155550164" } })).toMatchObject({
      liftedAt: null,
    });

    await y(shop, shopId, "+14155550164", "SMcoistopy");
    await shop.work();
    expect(await db.smsSuppression.findFirst({ where: { shopId, phone: "+14155550164" } })).toMatchObject({
      liftedBy: "confirmed_opt_in",
    });
    expect((await marketingFacts(shopId, "+14155550164")).at(-1)).toMatchObject({
      state: "SUBSCRIBED",
      optInLevel: "confirmed_opt_in",
    });
  });

  it("GIVEN a sign-up WHEN Y comes after the window THEN nothing is subscribed", async () => {
    const { shop, shopId } = await signupShop("coi-late");
    await post(shop, { phone: "+14155550165", consent: "yes" });
    shop.clock.advance(25 * HOUR);
    await y(shop, shopId, "+14155550165", "SMcoilate");
    expect(await marketingFacts(shopId, "+14155550165")).toEqual([]);
  });

  it("GIVEN a shop that has published no SMS terms WHEN the form is posted THEN it is refused and nothing is written", async () => {
    const shop = new TestShop(uniqueShop("coi-noterms"), new Date(Date.now() + MINUTE));
    const { id: shopId } = await ensureShop(db, shop.domain);
    const response = await post(shop, { phone: "+14155550166", consent: "yes" });
    expect(response.status).toBe(409);
    expect(await db.consentRequest.count({ where: { shopId } })).toBe(0);
  });
});

describe("confirmed opt-in from a keyword", () => {
  it("GIVEN JOIN texted from a number WHEN it replies Y THEN it is subscribed with source inbound keyword", async () => {
    const { shop, shopId } = await signupShop("coi-join");
    await y(shop, shopId, "+14155550167", "SMcoijoin", "Join");
    await shop.work();
    expect(await marketingFacts(shopId, "+14155550167")).toEqual([]);
    expect((await textsTo(shopId, "+14155550167"))[0]!.body).toMatch(/Reply Y within 24 hours to confirm/);

    await y(shop, shopId, "+14155550167", "SMcoijoiny");
    await shop.work();
    const facts = await marketingFacts(shopId, "+14155550167");
    expect(facts).toEqual([
      expect.objectContaining({ state: "SUBSCRIBED", optInLevel: "confirmed_opt_in", source: "INBOUND_KEYWORD" }),
    ]);
    expect(facts[0]!.wording).toMatch(/Reply Y within 24 hours to confirm/); // the request it answered
  });

  it("GIVEN START from a number that never opted in WHEN received THEN it is a keyword sign-up, not a subscription", async () => {
    const { shop, shopId } = await signupShop("coi-start");
    await y(shop, shopId, "+14155550168", "SMcoistart", "START");
    expect(await marketingFacts(shopId, "+14155550168")).toEqual([]);
    expect(await db.consentRequest.count({ where: { shopId, phone: "+14155550168" } })).toBe(1);
  });

  it("GIVEN STOP then START from a number WHEN received THEN it is resubscribed and gets one confirmation text", async () => {
    const { shop, shopId } = await signupShop("coi-restart");
    await y(shop, shopId, "+14155550169", "SMcoirs1", "STOP");
    shop.clock.advance(MINUTE);
    await y(shop, shopId, "+14155550169", "SMcoirs2", "START");
    await shop.work();
    const texts = (await textsTo(shopId, "+14155550169")).map((m) => m.body);
    expect(texts).toEqual([expect.stringMatching(/unsubscribed/), expect.stringMatching(/You're subscribed/)]);
    expect(await db.smsSuppression.findFirst({ where: { shopId, phone: "+14155550169" } })).toMatchObject({
      liftedBy: "start",
    });
  });
});

describe("storefront rate limits", () => {
  it("GIVEN a number posted again and again WHEN past 3 an hour THEN 429 and nothing more is written", async () => {
    const { shop, shopId } = await signupShop("coi-rate-number");
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await post(shop, { phone: "+14155550170", consent: "yes" }, { ip: `198.51.100.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await post(shop, { phone: "+14155550170", consent: "yes" });
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/too many sign-ups/) });
    await shop.work();
    expect(await db.consentRequest.count({ where: { shopId } })).toBe(1);
    expect(await textsTo(shopId, "+14155550170")).toHaveLength(1); // one "Reply Y" however often posted
  });

  it("GIVEN one address posting many numbers WHEN past 20 an hour THEN 429 and nothing is written", async () => {
    const { shop, shopId } = await signupShop("coi-rate-ip");
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const phone = `+1415555${String(1000 + i)}`;
      statuses.push((await post(shop, { phone, consent: "yes" }, { ip: "203.0.113.9" })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.at(-1)).toBe(429);
    expect(await db.consentRequest.count({ where: { shopId } })).toBe(20);
    // No address is stored: counters are keyed by a hash.
    expect(await db.rateCounter.count({ where: { key: { contains: "203.0.113.9" } } })).toBe(0);
  });
});
