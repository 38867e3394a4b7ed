import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { classifyInbound, hasOptOutInstruction } from "../../app/messaging/keywords";
import { composeBody } from "../../app/messaging/compliance";
import { action as reviewAction, loader as reviewLoader } from "../../app/routes/app.opt-outs";
import { AdminClient } from "../support/admin-pages";
import { useTwilioServer } from "../support/two-way";

const { twilioShop, text, repliesTo } = useTwilioServer(`AC${"e7".repeat(16)}`, "r".repeat(32));

const customerOf = (shopId: string, shopifyId: number | string) =>
  db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(shopifyId) } });

describe("opt-out words (FCC 24-24, 47 CFR 64.1200(a)(10)): normalised, whole message or first word, phrases", () => {
  it.each([
    "STOP",
    "Stop.",
    "stop!!!",
    " S T O P ".replaceAll(" ", "") /* "STOP" typed with stray spaces around */,
    "REVOKE",
    "revoke",
    "STOPALL",
    "stop all",
    "Unsubscribe 🙏",
    "CANCEL",
    "end",
    "Quit.",
    "OPTOUT",
    "opt out",
    "Opt-Out",
    "STOP sending these",
    "stop texting me",
    "Please remove me from your list",
    "don't text me again",
    "Do not text this number",
    "no más",
  ])("%j is an opt-out", (body) => {
    expect(classifyInbound(body)).toBe("stop");
  });

  it.each(["please stop", "I want to cancel my subscription", "wrong number", "🛑", "Not interested"])(
    "%j is a possible opt-out for the merchant to review",
    (body) => {
      expect(classifyInbound(body)).toBe("possible_stop");
    },
  );

  it.each([
    ["START", "start"],
    ["unstop", "start"],
    ["Help", "help"],
    ["info?", "help"],
    ["Y", "yes"],
    ["yes!", "yes"],
    ["Do you ship to Canada?", "reply"],
    ["Stopped by the store today, loved it", "reply"],
  ] as const)("%j is %s", (body, kind) => {
    expect(classifyInbound(body)).toBe(kind);
  });
});

describe("the first-text opt-out line", () => {
  const first = (body: string) =>
    composeBody({ body, senderName: "Northbean", purpose: "marketing", firstMessage: true, numberCountry: "US" });

  it("is added when the text merely contains the word STOP", () => {
    expect(first("STOP by our store for 20% off")).toBe(
      "Northbean: STOP by our store for 20% off Reply STOP to opt out.",
    );
  });

  it("is not added twice when the text already tells how to opt out", () => {
    expect(first("20% off today. Reply STOP to unsubscribe")).toBe(
      "Northbean: 20% off today. Reply STOP to unsubscribe",
    );
    expect(hasOptOutInstruction("Text END to stop these")).toBe(true);
  });

  it("RM0.00 keys on the +60 number, not the address", () => {
    const to = (numberCountry: string) =>
      composeBody({ body: "Sale", senderName: "Northbean", purpose: "marketing", firstMessage: false, numberCountry });
    expect(to("MY")).toBe("RM0.00 Northbean: Sale");
    expect(to("SG")).toBe("Northbean: Sale");
  });
});

describe("opt-outs over Twilio's protocol", () => {
  it.each(["Stop.", "REVOKE"])("%j unsubscribes, records the revocation time, and answers once", async (word) => {
    // GIVEN a subscribed shopper
    const { shop, shopId, customer } = await twilioShop(`optout-${word.replace(/\W/g, "")}`);
    // WHEN they reply with the word (Twilio retries the callback once)
    const sid = `SM${"a1".repeat(16)}`;
    const before = new Date();
    await text(shop.domain, customer.phone!, word, sid);
    await text(shop.domain, customer.phone!, word, sid);
    await shop.work();
    // THEN they are unsubscribed as of the moment their text arrived, with one confirmation
    expect((await customerOf(shopId, customer.id)).smsConsent).toBe("UNSUBSCRIBED");
    const [event] = await db.consentEvent.findMany({ where: { shopId, source: "INBOUND_KEYWORD" } });
    expect(event).toMatchObject({ state: "UNSUBSCRIBED" });
    expect(event!.occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(repliesTo(customer.phone!)).toEqual([expect.stringMatching(/You're unsubscribed/)]);
  });

  it("a second opt-out from a number already opted out gets no second confirmation", async () => {
    const { shop, customer } = await twilioShop("optout-twice");
    await text(shop.domain, customer.phone!, "STOP");
    await shop.work();
    await text(shop.domain, customer.phone!, "unsubscribe");
    await shop.work();
    expect(repliesTo(customer.phone!)).toHaveLength(1);
  });

  it("a possible opt-out changes nothing until the merchant confirms it in one click; then it counts from when the shopper wrote", async () => {
    // GIVEN a shopper who writes "please stop"
    const { shop, shopId, customer } = await twilioShop("optout-review");
    await text(shop.domain, customer.phone!, "please stop");
    await shop.work();
    expect((await customerOf(shopId, customer.id)).smsConsent).toBe("SUBSCRIBED");
    expect(repliesTo(customer.phone!)).toEqual([]);
    const written = await db.message.findFirstOrThrow({ where: { shopId, direction: "INBOUND" } });

    // WHEN the merchant opens the review list and confirms
    const admin = new AdminClient(shop.domain);
    const list = await admin.load(reviewLoader, "/app/opt-outs");
    expect(list.rows).toEqual([expect.objectContaining({ id: written.id, body: "please stop" })]);
    expect(list.rows[0]!.phone).not.toBe(customer.phone);
    await admin.act(reviewAction, "/app/opt-outs", { intent: "confirm", messageId: written.id });
    await shop.work();

    // THEN the shopper is opted out as of their text, gets one confirmation, and the list is empty
    expect((await customerOf(shopId, customer.id)).smsConsent).toBe("UNSUBSCRIBED");
    const event = await db.consentEvent.findFirstOrThrow({ where: { shopId, source: "INBOUND_KEYWORD" } });
    expect(event.occurredAt).toEqual(written.sentAt);
    expect(repliesTo(customer.phone!)).toEqual([expect.stringMatching(/You're unsubscribed/)]);
    expect((await admin.load(reviewLoader, "/app/opt-outs")).rows).toEqual([]);
  });

  it("the merchant can keep a possible opt-out as an ordinary reply", async () => {
    const { shop, shopId, customer } = await twilioShop("optout-keep");
    await text(shop.domain, customer.phone!, "wrong number");
    await shop.work();
    const written = await db.message.findFirstOrThrow({ where: { shopId, direction: "INBOUND" } });
    const admin = new AdminClient(shop.domain);
    await admin.act(reviewAction, "/app/opt-outs", { intent: "dismiss", messageId: written.id });
    expect((await db.message.findUniqueOrThrow({ where: { id: written.id } })).purpose).toBe("reply");
    expect((await customerOf(shopId, customer.id)).smsConsent).toBe("SUBSCRIBED");
  });

  it("another shop can't confirm this shop's possible opt-out", async () => {
    const { shop, shopId, customer } = await twilioShop("optout-other");
    await text(shop.domain, customer.phone!, "please stop");
    const written = await db.message.findFirstOrThrow({ where: { shopId, direction: "INBOUND" } });
    const other = await twilioShop("optout-intruder");
    const intruder = new AdminClient(other.shop.domain);
    expect(
      await intruder.statusOf(
        intruder.post(reviewAction, "/app/opt-outs", { intent: "confirm", messageId: written.id }),
      ),
    ).toBe(409);
    expect((await customerOf(shopId, customer.id)).smsConsent).toBe("SUBSCRIBED");
  });
});

describe("HELP", () => {
  it("answers with brand, help contact, frequency, rates and how to stop", async () => {
    const { shop, shopId, customer } = await twilioShop("help-content");
    await db.shopSettings.update({ where: { shopId }, data: { frequencyCapCount: 2, frequencyCapHours: 24 } });
    await text(shop.domain, customer.phone!, "HELP");
    await shop.work();
    const name = shop.domain.replace(/\.myshopify\.com$/, "");
    expect(repliesTo(customer.phone!)).toEqual([
      `${name}: help at help@northbean.example. Up to 2 marketing msgs per day. Msg & data rates may apply. Reply STOP to opt out.`,
    ]);
  });

  it("uses the merchant's own wording and the shop's contact e-mail from Shopify", async () => {
    const { shop, shopId, customer } = await twilioShop("help-custom");
    await db.shop.update({ where: { id: shopId }, data: { email: "care@shop.example", name: "Northbean" } });
    await db.shopSettings.update({
      where: { shopId },
      data: {
        contactInfo: null,
        helpText: "{brand} support: {contact}. {frequency}. Rates may apply. Reply STOP to end.",
      },
    });
    await text(shop.domain, customer.phone!, "help");
    await shop.work();
    expect(repliesTo(customer.phone!)).toEqual([
      "Northbean support: care@shop.example. Up to 1 marketing msg per day. Rates may apply. Reply STOP to end.",
    ]);
  });

  it("stays silent when the provider already answers HELP", async () => {
    const { shop, shopId, customer } = await twilioShop("help-provider");
    await db.shopSettings.update({ where: { shopId }, data: { providerAnswersHelp: true } });
    await text(shop.domain, customer.phone!, "HELP");
    await shop.work();
    expect(repliesTo(customer.phone!)).toEqual([]);
    expect(await db.message.count({ where: { shopId, direction: "INBOUND", purpose: "compliance" } })).toBe(1);
  });
});
