import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { HOUR, MINUTE } from "../../app/clock";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { handleInbound } from "../../app/messaging/inbound.server";
import { importContacts } from "../../app/consent/import.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload, marketingConsentPayload } from "../support/fixtures";

// The consent part of the send gate (app/consent/gate.server.ts): consent belongs to a
// number, and a suppressed number gets no marketing text whatever else the ledger says.

const NOON_IN_SF = "2026-06-02T19:00:00Z"; // 12:00 in San Francisco: no quiet-hours hold
let next = 3000 + (process.pid % 5000);
const newPhone = () => `+1415555${String(++next % 10000).padStart(4, "0")}`;
const WORDING = "Texts from Northbean, up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.";

async function subscribedShopper(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date(NOON_IN_SF));
  const phone = newPhone();
  const payload = customerPayload({ updatedAt: new Date(shop.clock.now().getTime() - HOUR), phone });
  await shop.deliver("customers/create", payload);
  await shop.deliver(
    "customers_marketing_consent/update",
    marketingConsentPayload({
      customerId: payload.id,
      phone,
      state: "subscribed",
      at: new Date(shop.clock.now().getTime() - HOUR),
    }),
  );
  const customer = await db.customer.findFirstOrThrow({
    where: { shopifyId: String(payload.id), shop: { domain: shop.domain } },
  });
  return { shop, payload, customer, phone };
}

async function sendMarketing(shop: TestShop, customer: { id: string; shopId: string }, key: string) {
  const { id } = await scheduleMessage(shop.deps, {
    shopId: customer.shopId,
    customerId: customer.id,
    body: "New roast today: https://shop.example/new",
    purpose: "marketing",
    idempotencyKey: key,
    dueAt: shop.clock.now(),
  });
  await shop.work();
  return db.message.findUniqueOrThrow({ where: { id } });
}

const consentDecision = (m: { gateDecisions: unknown }) =>
  (m.gateDecisions as { gate: string; decision: string; detail: string }[]).find((d) => d.gate === "consent");

describe("consent is per number", () => {
  it("GIVEN a subscribed shopper WHEN a marketing text is sent THEN the gate passes and records why", async () => {
    const { shop, customer } = await subscribedShopper("gate-pass");
    const message = await sendMarketing(shop, customer, "pass");
    expect(message.status).not.toBe("SUPPRESSED");
    expect(consentDecision(message)).toMatchObject({
      decision: "pass",
      detail: expect.stringMatching(/subscribed on this number/),
    });
  });

  it("GIVEN a subscribed shopper WHEN their phone changes THEN a text to the new number is refused with a recorded decision", async () => {
    const { shop, payload, customer } = await subscribedShopper("gate-changed");
    const changed = newPhone();
    shop.clock.advance(MINUTE);
    await shop.deliver("customers/update", { ...payload, phone: changed, updated_at: shop.clock.now().toISOString() });

    const message = await sendMarketing(shop, customer, "changed");
    expect(message.status).toBe("SUPPRESSED");
    expect(consentDecision(message)).toMatchObject({
      decision: "refuse",
      detail: "no consent for this number (consent was given for another number)",
    });
    expect(testProviders.outbox.sent.filter((s) => s.to === changed)).toEqual([]);
    expect(await shop.segmentsOf(payload.id)).not.toContain("sms-subscribers");
  });
});

describe("the suppression list", () => {
  it("GIVEN STOP from a number with no customer WHEN a later import subscribes it THEN the number stays suppressed", async () => {
    const shop = new TestShop(uniqueShop("supp-unknown"), new Date(NOON_IN_SF));
    await shop.deliver("customers/create", customerPayload({ updatedAt: shop.clock.now(), phone: newPhone() }));
    const shopId = (await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).id;
    const stranger = newPhone();
    await handleInbound(shop.deps, shopId, { from: stranger, body: "STOP", providerMessageId: `SM${next}a` });
    expect(await db.smsSuppression.findFirst({ where: { shopId, phone: stranger } })).toMatchObject({
      reason: "stop",
      liftedAt: null,
    });

    // An import dated before or after the STOP is a ledger fact, not a lift.
    shop.clock.advance(HOUR);
    await importContacts({
      db,
      shopId,
      csv: `phone,consent,date\n${stranger},yes,2026-06-01\n`,
      options: { mapping: { phone: "phone", consent: "consent", consentAt: "date" }, wording: WORDING },
      now: shop.clock.now(),
    });
    const contact = await db.customer.findFirstOrThrow({ where: { shopId, phone: stranger } });
    const message = await sendMarketing(shop, contact, "after-import");
    expect(message.status).toBe("SUPPRESSED");
    expect(consentDecision(message)).toMatchObject({
      decision: "refuse",
      detail: expect.stringMatching(/^number suppressed \(stop/),
    });
  });

  it("GIVEN a suppressed number WHEN START comes from it THEN the suppression is lifted and texts may go again", async () => {
    const { shop, customer, phone } = await subscribedShopper("supp-start");
    await handleInbound(shop.deps, customer.shopId, { from: phone, body: "STOP", providerMessageId: `SM${next}b` });
    shop.clock.advance(MINUTE);
    await handleInbound(shop.deps, customer.shopId, { from: phone, body: "START", providerMessageId: `SM${next}c` });
    expect(await db.smsSuppression.findFirst({ where: { shopId: customer.shopId, phone } })).toMatchObject({
      liftedBy: "start",
    });
    shop.clock.advance(MINUTE);
    const message = await sendMarketing(shop, customer, "after-start");
    expect(consentDecision(message)?.decision).toBe("pass");
  });
});
