import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { classifyInbound, handleInbound } from "../../app/messaging/inbound.server";
import { scheduleMessage } from "../../app/messaging/dispatch.server";
import { TwilioCredentials } from "../../app/messaging/providers/twilio.server";
import { action as inbound } from "../../app/routes/twilio.inbound.$shop";
import { action as status } from "../../app/routes/twilio.status.$messageId";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { startTwilioServer, twilioCallback } from "../support/twilio-server";

const accountSid = `AC${"d4".repeat(16)}`;
const authToken = "s".repeat(32);
let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
beforeAll(async () => {
  twilio = await startTwilioServer({ [accountSid]: authToken });
});
afterAll(() => twilio.close());

let phone = 7000 + (process.pid % 2000);
const appUrl = () => process.env.SHOPIFY_APP_URL!.replace(/\/$/, "");
const args = (request: Request, params: Record<string, string>) => ({ request, params, context: {} });

/**
 * A Twilio-backed shop with a subscribed shopper. The routes run on the wall clock, so the
 * shop's clock starts just ahead of it (replies they queue are due when the test works).
 */
async function twilioShop(label: string, flowKey?: string) {
  const shop = new TestShop(uniqueShop(label), new Date(Date.now() + MINUTE));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await testProviders.useTwilio(
    shopId,
    TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
  );
  await db.shopSettings.update({
    where: { shopId },
    data: { contactInfo: "help@northbean.example", quietHoursStartMinute: 1440, quietHoursEndMinute: 0 },
  });
  if (flowKey) await db.flow.update({ where: { shopId_key: { shopId, key: flowKey } }, data: { enabled: true } });
  // In London with the shop's quiet hours off: no US hours rule, so sends never wait on the wall clock.
  const customer = customerPayload({
    updatedAt: new Date(Date.now() - DAY),
    smsState: "subscribed",
    phone: `+447400${String(++phone).padStart(6, "0")}`,
    country: "GB",
    countryName: "United Kingdom",
    province: "ENG",
    city: "London",
  });
  await shop.deliver("customers/create", customer);
  return { shop, shopId, customer };
}

function text(
  domain: string,
  from: string,
  body: string,
  sid = `SM${Math.random().toString(16).slice(2).padEnd(32, "0")}`,
  token = authToken,
) {
  const url = `${appUrl()}/twilio/inbound/${domain}`;
  return inbound(
    args(
      twilioCallback(url, token, {
        AccountSid: accountSid,
        MessageSid: sid,
        From: from,
        To: "+14155550100",
        Body: body,
        NumMedia: "0",
      }),
      { shop: domain },
    ),
  );
}
const repliesTo = (to: string) => twilio.received.filter((r) => r.params.To === to).map((r) => r.params.Body);

describe("two-way SMS over Twilio's protocol", () => {
  it("keywords are case-insensitive and trimmed", () => {
    expect([" stop ", "Unsubscribe", "quit", "START", "unstop", "help", "Stop please"].map(classifyInbound)).toEqual([
      "stop",
      "stop",
      "stop",
      "start",
      "start",
      "help",
      "reply",
    ]);
  });

  it("STOP: ledger entry, pending messages cancelled, exactly one confirmation even when Twilio retries the callback", async () => {
    const { shop, shopId, customer } = await twilioShop("stop");
    const c = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
    const pending = await scheduleMessage(shop.deps, {
      shopId,
      customerId: c.id,
      body: "Sale tomorrow",
      purpose: "marketing",
      idempotencyKey: "later",
      dueAt: new Date(shop.clock.now().getTime() + DAY),
    });

    const sid = `SM${"e5".repeat(16)}`;
    expect((await text(shop.domain, customer.phone!, "  stop ", sid)).status).toBe(200);
    expect((await text(shop.domain, customer.phone!, "  stop ", sid)).status).toBe(200); // retried callback
    await shop.work();

    expect((await db.customer.findUniqueOrThrow({ where: { id: c.id } })).smsConsent).toBe("UNSUBSCRIBED");
    const ledger = await db.consentEvent.findMany({ where: { customerId: c.id, source: "INBOUND_KEYWORD" } });
    expect(ledger).toEqual([expect.objectContaining({ state: "UNSUBSCRIBED", phone: customer.phone })]);
    expect((await db.message.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("CANCELLED");
    expect(repliesTo(customer.phone!)).toEqual([
      expect.stringMatching(/You're unsubscribed and will receive no more messages\. Reply START to resubscribe\.$/),
    ]);
    expect(await shop.segmentsOf(customer.id)).toContain("opted-out");
  });

  it("START opts back in; HELP answers with the shop's contact; other replies are stored and visible", async () => {
    const { shop, shopId, customer } = await twilioShop("start-help");
    await text(shop.domain, customer.phone!, "STOP");
    await text(shop.domain, customer.phone!, "Start");
    await text(shop.domain, customer.phone!, "HELP");
    await text(shop.domain, customer.phone!, "Do you ship to Canada?");
    await shop.work();
    expect((await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } })).smsConsent).toBe(
      "SUBSCRIBED",
    );
    const replies = repliesTo(customer.phone!);
    expect(replies).toHaveLength(3);
    expect(replies[1]).toMatch(/resubscribed/);
    expect(replies[2]).toMatch(/help@northbean\.example.*Reply STOP to opt out\./);
    const received = await db.message.findMany({
      where: { shopId, direction: "INBOUND" },
      orderBy: { createdAt: "asc" },
    });
    expect(received.map((m) => [m.body, m.status])).toContainEqual(["Do you ship to Canada?", "RECEIVED"]);
  });

  it("STOP mid-flow: the abandoned-checkout run exits and its reminder is never sent", async () => {
    const { shop, shopId, customer } = await twilioShop("stop-flow", "abandoned-checkout");
    await shop.abandonCheckout(customer);
    expect(repliesTo(customer.phone!)).toHaveLength(1); // the first reminder
    // Straight into the domain on the shop's clock (the route, on the wall clock, is tested above).
    await handleInbound(shop.deps, shopId, {
      from: customer.phone!,
      body: "STOP",
      providerMessageId: `SM${"f6".repeat(16)}`,
    });
    shop.clock.advance(2 * DAY);
    await shop.work();
    const bodies = repliesTo(customer.phone!);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatch(/unsubscribed/);
    const run = await db.flowRun.findFirstOrThrow({ where: { shopId } });
    expect(run).toMatchObject({ status: "EXITED", exitReason: "opted_out" });
  });

  it("a callback with a bad signature is refused and changes nothing", async () => {
    const { shop, shopId, customer } = await twilioShop("bad-sig");
    expect((await text(shop.domain, customer.phone!, "STOP", undefined, "x".repeat(32))).status).toBe(403);
    expect(await db.message.count({ where: { shopId, direction: "INBOUND" } })).toBe(0);
    expect((await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } })).smsConsent).toBe(
      "SUBSCRIBED",
    );
  });

  it("status callbacks move a message forward only, and must be signed", async () => {
    const { shop, shopId, customer } = await twilioShop("status");
    const c = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
    const { id } = await scheduleMessage(shop.deps, {
      shopId,
      customerId: c.id,
      body: "Hello",
      purpose: "marketing",
      idempotencyKey: "k",
      dueAt: shop.clock.now(),
    });
    await shop.work();
    const sid = (await db.message.findUniqueOrThrow({ where: { id } })).providerMessageId!;
    const url = `${appUrl()}/twilio/status/${id}`;
    const callback = (s: string, token = authToken) =>
      status(
        args(twilioCallback(url, token, { AccountSid: accountSid, MessageSid: sid, MessageStatus: s }), {
          messageId: id,
        }),
      );
    expect((await callback("delivered", "y".repeat(32))).status).toBe(403);
    expect((await db.message.findUniqueOrThrow({ where: { id } })).status).toBe("SENT");
    expect((await callback("delivered")).status).toBe(204);
    expect((await callback("sent")).status).toBe(204); // late, out of order
    expect((await db.message.findUniqueOrThrow({ where: { id } })).status).toBe("DELIVERED");
    expect(
      (await db.deliveryEvent.findMany({ where: { messageId: id }, orderBy: { at: "asc" } })).map((e) => e.status),
    ).toEqual(["delivered", "sent"]);
  });
});
