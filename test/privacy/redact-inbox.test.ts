import { describe, expect, it } from "vitest";
import { randomInt } from "node:crypto";
import db from "../../app/db.server";
import { processWebhook, REDACTION_SECOND_PASS_MS } from "../../app/webhooks/process.server";
import { activeSuppression } from "../../app/consent/suppression.server";
import { checkoutPayload, customerPayload } from "../support/fixtures";
import { useTwilioServer } from "../support/two-way";

// customers/redact and the webhook inbox: bodies naming the shopper are found through the
// subject index written at ingest, whatever state they are in and however they wrote the number.
const { twilioShop, text } = useTwilioServer();

const ukMobile = () => {
  const national = `7413${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
  return { e164: `+44${national}`, written: `0${national.slice(0, 4)} ${national.slice(4)}`, national };
};

const redactRequest = (domain: string, c: { id: number; email: string }, phone: string) => ({
  shop_id: 954889,
  shop_domain: domain,
  orders_to_redact: [],
  customer: { id: c.id, email: c.email, phone },
});

describe("customers/redact and stored webhook bodies", () => {
  it("GIVEN a body naming the shopper not processed yet WHEN the redaction runs first THEN it is emptied and never processed", async () => {
    const { shop, shopId } = await twilioShop("redact-pending");
    const phone = ukMobile();
    const customer = customerPayload({ updatedAt: new Date(Date.now() - 60_000), phone: phone.e164 });
    await shop.deliver("customers/create", customer);
    // A customers/update arrives and waits for the worker; the redaction is handled before it.
    await shop.send("customers/update", { ...customer, first_name: "Renamed", updated_at: new Date().toISOString() });
    await shop.send("customers/redact", redactRequest(shop.domain, customer, phone.e164));
    const redact = await db.webhookInbox.findFirstOrThrow({
      where: { shopDomain: shop.domain, topic: "customers/redact" },
    });

    // WHEN the worker takes the redaction first, then everything else
    expect(await processWebhook(shop.deps, redact.id)).toBe("processed");
    await shop.work();

    // THEN the pending update was emptied and refused with the reason, and wrote nothing back
    const update = await db.webhookInbox.findFirstOrThrow({
      where: { shopDomain: shop.domain, topic: "customers/update" },
    });
    expect(update).toMatchObject({
      status: "REJECTED",
      payload: "",
      error: expect.stringMatching(/customers\/redact/),
    });
    const row = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
    expect(row).toMatchObject({ firstName: null, phone: null, email: null, smsConsent: "REDACTED" });
    // AND the redaction's own body is kept for its second pass, then goes with it
    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: redact.id } })).toMatchObject({
      status: "PROCESSED",
      payload: expect.stringContaining(phone.e164),
    });
    shop.clock.advance(REDACTION_SECOND_PASS_MS);
    await shop.work();
    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: redact.id } })).toMatchObject({
      status: "PROCESSED",
      payload: "",
    });
  });

  it("GIVEN a webhook for the shopper whose writes land after the redaction's first pass WHEN the second pass runs THEN they are erased too", async () => {
    const { shop, shopId } = await twilioShop("redact-race");
    const phone = ukMobile();
    const customer = customerPayload({ updatedAt: new Date(Date.now() - 60_000), phone: phone.e164 });
    await shop.deliver("customers/create", customer);
    await shop.deliver("customers/redact", redactRequest(shop.domain, customer, phone.e164));
    const redacted = { shopId, shopifyId: String(customer.id) };
    expect(await db.customer.findFirstOrThrow({ where: redacted })).toMatchObject({ firstName: null });

    // A worker read a customers/update naming the shopper before the first pass emptied its body,
    // and writes it only now (nothing serialises the two): its delivery after the pass stands for it.
    await shop.deliver("customers/update", { ...customer, first_name: "Lately", updated_at: new Date().toISOString() });
    expect(await db.customer.findFirstOrThrow({ where: redacted })).toMatchObject({ firstName: "Lately" });

    // WHEN the second pass runs, REDACTION_SECOND_PASS_MS after the first
    shop.clock.advance(REDACTION_SECOND_PASS_MS);
    await shop.work();

    // THEN what was written back is erased, and no body names the shopper any more
    expect(await db.customer.findFirstOrThrow({ where: redacted })).toMatchObject({
      firstName: null,
      phone: null,
      email: null,
      smsConsent: "REDACTED",
    });
    const bodies = await db.webhookInbox.findMany({
      where: { shopDomain: shop.domain, topic: { in: ["customers/update", "customers/redact"] } },
      select: { topic: true, payload: true },
      orderBy: { topic: "asc" },
    });
    expect(bodies).toEqual([
      { topic: "customers/redact", payload: "" },
      { topic: "customers/update", payload: "" },
    ]);
  });

  it("GIVEN a guest checkout that wrote the number nationally WHEN customers/redact names it in E.164 THEN its body is emptied and its number cleared", async () => {
    const { shop, shopId } = await twilioShop("redact-national");
    const phone = ukMobile();
    const customer = customerPayload({ updatedAt: new Date(), phone: phone.e164 });
    const guest = checkoutPayload({ customer: null, email: "someone.else@example.org", updatedAt: new Date() });
    await shop.deliver("checkouts/create", {
      ...guest,
      phone: phone.written,
      shipping_address: { ...guest.shipping_address, country_code: "GB" },
    });
    const checkout = await db.webhookInbox.findFirstOrThrow({
      where: { shopDomain: shop.domain, topic: "checkouts/create" },
    });
    expect(checkout.payload).toContain(phone.written);

    await shop.deliver("customers/redact", redactRequest(shop.domain, customer, phone.e164));

    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ payload: "" });
    expect(
      await db.checkout.findUniqueOrThrow({ where: { shopId_token: { shopId, token: guest.token } } }),
    ).toMatchObject({ phone: null, email: null, recoveryUrl: null });
  });

  it("GIVEN a redacted shopper who had sent STOP WHEN START comes from the number THEN the hashed suppression is lifted", async () => {
    const { shop, shopId } = await twilioShop("redact-start");
    const phone = ukMobile();
    expect((await text(shop.domain, phone.e164, "STOP")).status).toBe(200);
    await shop.work();
    const customer = customerPayload({ updatedAt: new Date(), phone: phone.e164 });
    await shop.deliver("customers/create", customer);
    await shop.deliver("customers/redact", redactRequest(shop.domain, customer, phone.e164));
    expect(await activeSuppression(db, shopId, phone.e164)).toMatchObject({ reason: "stop" });

    // WHEN the number itself texts START
    expect((await text(shop.domain, phone.e164, "START")).status).toBe(200);
    await shop.work();

    // THEN it is no longer suppressed (only START from the number lifts a STOP, redacted or not)
    expect(await activeSuppression(db, shopId, phone.e164)).toBeNull();
  });
});
