import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { classifyInbound, handleInbound } from "../../app/messaging/inbound.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { action as status } from "../../app/routes/twilio.status.$messageId";
import { twilioCallback } from "../support/twilio-server";
import { useTwilioServer } from "../support/two-way";

const { twilioShop, text, repliesTo, appUrl, args, accountSid, authToken } = useTwilioServer();

describe("two-way SMS over Twilio's protocol", () => {
  it("keywords are case-insensitive and trimmed", () => {
    expect(
      [" stop ", "Unsubscribe", "quit", "START", "unstop", "help", "Ship to Canada?"].map(classifyInbound),
    ).toEqual(["stop", "stop", "stop", "start", "start", "help", "reply"]);
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
    expect(replies[1]).toMatch(
      /You.re subscribed to recurring automated marketing texts.*Reply HELP for help, STOP to opt out./,
    ); // the confirmation of the new subscription
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
