import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { QUEUES } from "../../app/jobs/queue.server";
import { DAY, HOUR, MINUTE, SECOND } from "../../app/clock";
import { SendPacer } from "../../app/sms/send-pacer";
import { sendMessage, sendMessages } from "../../app/messaging/dispatch.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { TwilioCredentials, TwilioProvider } from "../../app/sms/twilio.server";
import { keepAliveRequest, type HttpRequest } from "../../app/http/keep-alive-request.server";
import type { SmsProvider } from "../../app/sms/provider";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { suppressNumber } from "../../app/consent/suppression.server";
import { numberHasher } from "../../app/contacts/number-hash.server";
import { startTwilioServer, twilioError } from "../support/twilio-server";

const accountSid = `AC${"c3".repeat(16)}`;
const authToken = "t".repeat(32);
let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
beforeAll(async () => {
  twilio = await startTwilioServer({ [accountSid]: authToken });
});
afterAll(() => twilio.close());

interface ShopperOpts {
  smsState?: "subscribed" | "unsubscribed";
  country?: string;
  province?: string;
  phone?: string;
}

let nextPhone = 4000 + (process.pid % 5000);
/** A shop (clock at `start`) with one shopper who arrived by webhook, with a number of their own. */
async function shopWithShopper(label: string, start: string, o: ShopperOpts = {}) {
  const shop = new TestShop(uniqueShop(label), new Date(start));
  return { shop, ...(await addShopper(shop, o)) };
}

/** A shopper who arrived at `shop` by webhook, with a number of their own. */
async function addShopper(shop: TestShop, o: ShopperOpts = {}) {
  const payload = customerPayload({
    updatedAt: new Date(shop.clock.now().getTime() - HOUR),
    smsState: o.smsState ?? "subscribed",
    country: o.country,
    province: o.province,
    phone: o.phone ?? `+1415555${String(++nextPhone).padStart(4, "0")}`,
  });
  await shop.deliver("customers/create", payload);
  const customer = await db.customer.findFirstOrThrow({
    where: { shopifyId: String(payload.id), shop: { domain: shop.domain } },
  });
  return { customer, payload };
}

const schedule = (
  shop: TestShop,
  customer: { id: string; shopId: string },
  key: string,
  body = "Your cart misses you: https://shop.example/cart",
) =>
  scheduleMessage(shop.deps, {
    shopId: customer.shopId,
    customerId: customer.id,
    body,
    purpose: "marketing",
    idempotencyKey: key,
    dueAt: shop.clock.now(),
  });

const message = (id: string) => db.message.findUniqueOrThrow({ where: { id } });
const outboxFor = (phone: string | null) => testProviders.outbox.sent.filter((s) => s.to === phone);

describe("sending through the outbox with the gates checked at send time", () => {
  it("sends once per idempotency key, with sender name, opt-out text, tracked link and every gate decision recorded", async () => {
    // 18:00 UTC = 11:00 in San Francisco.
    const { shop, customer } = await shopWithShopper("send", "2026-07-01T18:00:00Z");
    const first = await schedule(shop, customer, "k1");
    const again = await schedule(shop, customer, "k1");
    expect(again).toEqual({ id: first.id, created: false });
    await shop.work();

    const sent = await message(first.id);
    expect(sent.status).toBe("DELIVERED");
    expect(sent.body).toMatch(
      /^send-[^:]+: Your cart misses you: https:\/\/sms-app\.example\/l\/[0-9A-Za-z]{8} Reply STOP to opt out\.$/,
    );
    expect(sent).toMatchObject({ encoding: "GSM-7", segments: 1, provider: "outbox", attempts: 1 });
    expect((sent.gateDecisions as { gate: string; decision: string }[]).map((d) => `${d.gate}:${d.decision}`)).toEqual([
      "phone:pass",
      "consent:pass",
      "quiet_hours:pass",
      "frequency_cap:pass",
    ]);
    expect(outboxFor(customer.phone)).toHaveLength(1);
    expect(await db.deliveryEvent.count({ where: { messageId: first.id, status: "delivered" } })).toBe(1);
  });

  it("consent withdrawn between scheduling and sending: the pending text is cancelled, nothing sent", async () => {
    const { shop, customer, payload } = await shopWithShopper("revoked", "2026-07-01T18:00:00Z");
    const { id } = await schedule(shop, customer, "k1");
    await shop.send("customers/update", {
      ...payload,
      updated_at: shop.clock.now().toISOString(),
      sms_marketing_consent: {
        state: "unsubscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: shop.clock.now().toISOString(),
        consent_collected_from: "SHOPIFY",
      },
    });
    await shop.work();
    // Every consent change goes through afterConsentChange, which cancels pending texts at once
    // (the send gate would refuse it anyway: test/consent/gate.test.ts).
    expect(await message(id)).toMatchObject({ status: "CANCELLED", error: expect.stringMatching(/^opted out/) });
    expect(outboxFor(customer.phone)).toHaveLength(0);
  });

  it.each([
    // [zone label, country, province, phone, UTC instant, local next-allowed instant]
    ["New York 22:30 → 09:00", "US", "NY", "+12125550147", "2026-07-02T02:30:00Z", "2026-07-02T13:00:00Z"],
    ["Los Angeles 06:00 → 09:00", "US", "CA", "+14155550123", "2026-07-01T13:00:00Z", "2026-07-01T16:00:00Z"],
    ["London 21:15 → 09:00", "GB", "ENG", "+447400123456", "2026-07-01T20:15:00Z", "2026-07-02T08:00:00Z"],
    ["Kuala Lumpur 23:00 → 09:00", "MY", "KUL", "+60123456789", "2026-07-01T15:00:00Z", "2026-07-02T01:00:00Z"],
  ])("quiet hours in the shopper's zone: %s", async (_label, country, province, phone, at, next) => {
    const { shop, customer } = await shopWithShopper("quiet", at, { country, province, phone });
    const { id } = await schedule(shop, customer, "k1");
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "HELD", dueAt: new Date(next) });
    expect(outboxFor(customer.phone)).toHaveLength(0);

    shop.clock.set(new Date(new Date(next).getTime() - MINUTE));
    await shop.work();
    expect((await message(id)).status).toBe("HELD");
    shop.clock.set(next);
    await shop.work();
    const sent = await message(id);
    expect(sent.status).toBe("DELIVERED");
    if (country === "MY") expect(sent.body).toMatch(/^RM0\.00 /);
  });

  it("frequency cap: a second marketing SMS within 24 h waits for the slot", async () => {
    const { shop, customer } = await shopWithShopper("cap", "2026-07-01T18:00:00Z");
    const first = await schedule(shop, customer, "k1");
    await shop.work();
    shop.clock.advance(2 * HOUR);
    const second = await schedule(shop, customer, "k2", "Another offer");
    await shop.work();
    expect(await message(second.id)).toMatchObject({
      status: "HELD",
      dueAt: new Date((await message(first.id)).sentAt!.getTime() + DAY),
    });
    shop.clock.advance(22 * HOUR);
    await shop.work();
    const sent = await message(second.id);
    expect(sent.status).toBe("DELIVERED");
    expect(sent.body).not.toContain("Reply STOP"); // opt-out instructions go in the first message
  });
});

describe("batch dispatch", () => {
  it("one batch over two shops: each text sent once or stopped by its gate, every outcome recorded on its own row", async () => {
    // GIVEN two shops at 18:00 UTC (11:00 in San Francisco, 02:00 in Kuala Lumpur), with
    // subscribed shoppers in California, one in Kuala Lumpur and one who never subscribed
    const at = "2026-07-01T18:00:00Z";
    const [a, b] = [
      new TestShop(uniqueShop("batch-a"), new Date(at)),
      new TestShop(uniqueShop("batch-b"), new Date(at)),
    ];
    const shoppers = {
      a1: await addShopper(a),
      a2: await addShopper(a),
      night: await addShopper(a, {
        country: "MY",
        province: "KUL",
        phone: `+6012345${String(++nextPhone).padStart(4, "0")}`,
      }),
      never: await addShopper(a, { smsState: "unsubscribed" }),
      b1: await addShopper(b),
      b2: await addShopper(b),
    };
    const ids: Record<string, string> = {};
    for (const [name, { customer }] of Object.entries(shoppers)) ids[name] = (await schedule(a, customer, name)).id;

    // WHEN one worker takes all of their send jobs in one fetch
    const outcomes = await sendMessages(a.deps, Object.values(ids));

    // THEN the four with consent in their window are sent once, each with its own text and provider id
    expect(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, outcomes.get(id)]))).toEqual({
      a1: "sent",
      a2: "sent",
      night: "deferred",
      never: "refused",
      b1: "sent",
      b2: "sent",
    });
    const sent = await Promise.all(["a1", "a2", "b1", "b2"].map((name) => message(ids[name]!)));
    for (const m of sent) {
      expect(m).toMatchObject({ status: "DELIVERED", attempts: 1, provider: "outbox", encoding: "GSM-7" });
      expect(outboxFor(m.phone)).toEqual([
        expect.objectContaining({ body: m.body, providerMessageId: m.providerMessageId }),
      ]);
    }
    expect(new Set(sent.map((m) => m.providerMessageId)).size).toBe(4);
    // the Kuala Lumpur text waits for 09:00 there, its send queued for then; the other is refused for good
    const night = await message(ids.night!);
    expect(night).toMatchObject({ status: "HELD", dueAt: new Date("2026-07-02T01:00:00Z") });
    const jobs = await db.job.findMany({ where: { queue: QUEUES.sendMessage, runAt: night.dueAt! } });
    expect(jobs.filter((j) => (j.payload as { messageId: string }).messageId === night.id)).toHaveLength(1);
    const never = await message(ids.never!);
    expect(never).toMatchObject({ status: "SUPPRESSED", error: expect.stringMatching(/^consent: /) });
    expect((never.gateDecisions as { gate: string; decision: string }[]).at(-1)).toMatchObject({
      gate: "consent",
      decision: "refuse",
    });
    expect(outboxFor(shoppers.night.customer.phone)).toHaveLength(0);
    expect(outboxFor(shoppers.never.customer.phone)).toHaveLength(0);
    // every send lock the caps were counted under is released (with the claims on PostgreSQL)
    const locks = await db.customer.findMany({
      where: { id: { in: Object.values(shoppers).map((s) => s.customer.id) } },
      select: { sendLockedUntil: true },
    });
    expect(locks.map((c) => c.sendLockedUntil)).toEqual(locks.map(() => null));

    // AND handing the same jobs over again (a retried fetch) sends nothing more
    const again = await sendMessages(b.deps, Object.values(ids));
    expect(Object.values(ids).filter((id) => again.get(id) === "sent")).toEqual([]);
    for (const m of sent) expect(outboxFor(m.phone)).toHaveLength(1);
  });
});

describe("batch dispatch: the caps of every shop in one read", () => {
  it("each shop's caps count its own texts; a shop whose texts never reach the caps does not hold the others up", async () => {
    // GIVEN shop A's shopper texted two hours ago (cap: 1 in 24 h), shop B's shopper with the
    // same number but no text from B, and shop C with only a transactional text (no caps)
    const at = "2026-07-01T16:00:00Z";
    const [a, b, c] = ["caps-a", "caps-b", "caps-c"].map((label) => new TestShop(uniqueShop(label), new Date(at)));
    const a1 = await addShopper(a!);
    await schedule(a!, a1.customer, "earlier");
    await a!.work();
    a!.clock.advance(2 * HOUR);
    const b1 = await addShopper(b!, { phone: a1.customer.phone! });
    const c1 = await addShopper(c!);
    const ids = {
      a1: (await schedule(a!, a1.customer, "now")).id,
      b1: (await schedule(b!, b1.customer, "now")).id,
      c1: (
        await scheduleMessage(c!.deps, {
          shopId: c1.customer.shopId,
          customerId: c1.customer.id,
          body: "Your order has shipped",
          purpose: "transactional",
          idempotencyKey: "shipped",
          dueAt: c!.clock.now(),
        })
      ).id,
    };

    // WHEN one worker takes the three send jobs in one fetch
    const outcomes = await sendMessages(a!.deps, Object.values(ids));

    // THEN A's text waits for its shopper's slot, B's (same number, another shop) and C's go out
    expect(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, outcomes.get(id)]))).toEqual({
      a1: "deferred",
      b1: "sent",
      c1: "sent",
    });
    const held = await message(ids.a1);
    expect(held).toMatchObject({ status: "HELD", dueAt: new Date(new Date(at).getTime() + DAY) });
    expect((held.gateDecisions as { gate: string; decision: string }[]).at(-1)).toMatchObject({
      gate: "frequency_cap",
      decision: "defer",
    });
    expect((await message(ids.b1)).gateDecisions).toContainEqual(
      expect.objectContaining({
        gate: "frequency_cap",
        decision: "pass",
        detail: expect.stringMatching(/^0 of 1 in 24 h/),
      }),
    );
    expect(await message(ids.c1)).toMatchObject({ status: "DELIVERED", purpose: "transactional" });
    expect(outboxFor(a1.customer.phone)).toHaveLength(2); // A's earlier text and B's
  });
});

describe("batch dispatch: consent of every shop in one read", () => {
  it("each shop's suppressions and consent facts are its own, whichever shops share the number", async () => {
    // GIVEN one number that shop A suppressed (STOP) and shop B's shopper subscribed with, and
    // shop C's shopper whose number C suppressed before a redaction (stored as its keyed hash)
    const at = "2026-07-01T16:00:00Z";
    const [a, b, c] = ["consent-a", "consent-b", "consent-c"].map((l) => new TestShop(uniqueShop(l), new Date(at)));
    const a1 = await addShopper(a!);
    const b1 = await addShopper(b!, { phone: a1.customer.phone! });
    const c1 = await addShopper(c!);
    await suppressNumber(db, {
      shopId: a1.customer.shopId,
      phone: a1.customer.phone!,
      reason: "stop",
      at: new Date(at),
    });
    await db.smsSuppression.create({
      data: {
        shopId: c1.customer.shopId,
        phone: numberHasher().hash(c1.customer.shopId, c1.customer.phone!),
        reason: "merchant",
        suppressedAt: new Date(at),
      },
    });
    const ids = {
      a1: (await schedule(a!, a1.customer, "now")).id,
      b1: (await schedule(b!, b1.customer, "now")).id,
      c1: (await schedule(c!, c1.customer, "now")).id,
    };

    // WHEN one worker takes the three send jobs in one fetch
    const outcomes = await sendMessages(a!.deps, Object.values(ids));

    // THEN only B's text goes out; A's and C's are refused by their own shop's suppression
    expect(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, outcomes.get(id)]))).toEqual({
      a1: "refused",
      b1: "sent",
      c1: "refused",
    });
    const consentOf = async (id: string) =>
      (((await message(id)).gateDecisions as { gate: string; decision: string; detail: string }[]) ?? []).find(
        (d) => d.gate === "consent",
      );
    expect(await consentOf(ids.a1)).toMatchObject({
      decision: "refuse",
      detail: expect.stringMatching(/^number suppressed \(stop/),
    });
    expect(await consentOf(ids.b1)).toMatchObject({
      decision: "pass",
      detail: expect.stringMatching(/^subscribed on this number/),
    });
    expect(await consentOf(ids.c1)).toMatchObject({
      decision: "refuse",
      detail: expect.stringMatching(/^number suppressed \(merchant/),
    });
    expect(outboxFor(a1.customer.phone)).toHaveLength(1); // B's
    expect(outboxFor(c1.customer.phone)).toHaveLength(0);
  });
});

describe("paced sending", () => {
  it("a shop paced at 1 text a second: a batch waits only for the slots within the horizon; the rest keep their slots and are queued for them", async () => {
    // GIVEN a shop at its default pace (1 text a second) with five texts due, and another shop with one,
    // fetched together by one worker whose sending clock we drive (sleeping moves it on)
    const at = "2026-07-01T18:00:00Z";
    const [slow, other] = [
      new TestShop(uniqueShop("paced"), new Date(at)),
      new TestShop(uniqueShop("paced-other"), new Date(at)),
    ];
    const shoppers = [];
    for (let i = 0; i < 5; i++) shoppers.push((await addShopper(slow)).customer);
    const elsewhere = (await addShopper(other)).customer;
    const ids = [];
    for (const [i, customer] of shoppers.entries()) ids.push((await schedule(slow, customer, `p${i}`)).id);
    const otherId = (await schedule(other, elsewhere, "o")).id;
    const t0 = Date.parse(at);
    let t = t0;
    const pacer = new SendPacer(
      async (ms) => void (t += ms),
      () => t,
      2 * SECOND,
    );

    // WHEN the batch is sent
    const outcomes = await sendMessages({ ...slow.deps, pacer }, [...ids, otherId]);

    // THEN the slots at 0, 1 and 2 s are waited for and sent, and so is the other shop's text;
    // the slots at 3 and 4 s are kept on their texts, whose sends are queued for 1 s before them
    expect([...ids, otherId].map((id) => outcomes.get(id))).toEqual([
      "sent",
      "sent",
      "sent",
      "deferred",
      "deferred",
      "sent",
    ]);
    expect(t).toBe(t0 + 2 * SECOND);
    const [fourth, fifth] = await Promise.all(ids.slice(3).map(message));
    expect([fourth!.status, fourth!.pacedSlotAt?.getTime(), fifth!.pacedSlotAt?.getTime()]).toEqual([
      "SCHEDULED",
      t0 + 3 * SECOND,
      t0 + 4 * SECOND,
    ]);
    const queuedFor = async (id: string) =>
      (await db.job.findMany({ where: { queue: QUEUES.sendMessage } }))
        .filter((j) => (j.payload as { messageId: string }).messageId === id && j.runAt.getTime() > t0)
        .map((j) => j.runAt.getTime() - t0);
    expect([await queuedFor(fourth!.id), await queuedFor(fifth!.id)]).toEqual([[2 * SECOND], [3 * SECOND]]);
    const slotsUntil = async () =>
      Number((await db.shopSettings.findFirstOrThrow({ where: { shopId: fourth!.shopId } })).sendSlotsUntilMs);
    expect(await slotsUntil()).toBe(t0 + 5 * SECOND);

    // AND the fourth text's run, on time, sends it in its kept slot (no new slot reserved)
    t = t0 + 2.5 * SECOND;
    expect((await sendMessages({ ...slow.deps, pacer }, [fourth!.id])).get(fourth!.id)).toBe("sent");
    expect(t).toBe(t0 + 3 * SECOND);
    expect(await slotsUntil()).toBe(t0 + 5 * SECOND);
    expect((await message(fourth!.id)).pacedSlotAt).toBeNull();

    // AND the fifth text's run, a minute late, does not use its stale slot: it takes a new one, so
    // texts kept long ago do not all go at once
    t = t0 + 60 * SECOND;
    expect((await sendMessages({ ...slow.deps, pacer }, [fifth!.id])).get(fifth!.id)).toBe("sent");
    expect(await slotsUntil()).toBe(t0 + 61 * SECOND);
    for (const customer of [...shoppers, elsewhere]) expect(outboxFor(customer.phone)).toHaveLength(1);
  });
});

describe("sending through the Twilio-protocol adapter", () => {
  async function twilioShop(label: string) {
    const s = await shopWithShopper(label, "2026-07-01T18:00:00Z");
    await testProviders.useTwilio(
      s.customer.shopId,
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
    );
    return s;
  }
  const atTwilio = (phone: string | null) => twilio.received.filter((r) => r.params.To === phone);

  it("credentials are sealed at rest; the send reaches Twilio with a status callback for the message", async () => {
    const { shop, customer } = await twilioShop("tw-send");
    const settings = await db.shopSettings.findUniqueOrThrow({ where: { shopId: customer.shopId } });
    expect(settings.providerCredentialsEnc).not.toContain(authToken);
    const { id } = await schedule(shop, customer, "k1");
    await shop.work();
    const sent = await message(id);
    expect(sent).toMatchObject({ status: "SENT", provider: "twilio" });
    expect(atTwilio(customer.phone)).toEqual([
      expect.objectContaining({
        sid: sent.providerMessageId,
        params: expect.objectContaining({
          Body: sent.body,
          StatusCallback: `https://sms-app.example/twilio/status/${id}`,
        }),
      }),
    ]);
  });

  it("one batch over a Twilio shop and an outbox shop: each text recorded as its own provider took it", async () => {
    // GIVEN a shop sending through Twilio and another through the local outbox, a text due in each
    const { shop, customer } = await twilioShop("tw-mixed");
    const outboxShop = await shopWithShopper("tw-mixed-outbox", "2026-07-01T18:00:00Z");
    const viaTwilio = await schedule(shop, customer, "k1");
    const viaOutbox = await schedule(outboxShop.shop, outboxShop.customer, "k1");

    // WHEN one fetch hands both send jobs to one worker (their claims and results shared statements)
    const outcomes = await sendMessages(shop.deps, [viaTwilio.id, viaOutbox.id]);

    // THEN each is sent once, at its own provider, and recorded as that provider answered
    expect([outcomes.get(viaTwilio.id), outcomes.get(viaOutbox.id)]).toEqual(["sent", "sent"]);
    const [twilioText, outboxText] = [await message(viaTwilio.id), await message(viaOutbox.id)];
    expect(twilioText).toMatchObject({ status: "SENT", provider: "twilio", deliveredAt: null });
    expect(atTwilio(customer.phone)).toEqual([expect.objectContaining({ sid: twilioText.providerMessageId })]);
    expect(outboxText).toMatchObject({ status: "DELIVERED", provider: "outbox" });
    expect(outboxFor(outboxShop.customer.phone)).toEqual([
      expect.objectContaining({ providerMessageId: outboxText.providerMessageId }),
    ]);
    const events = await db.deliveryEvent.findMany({ where: { messageId: { in: [viaTwilio.id, viaOutbox.id] } } });
    expect(events.map((e) => [e.messageId, e.status])).toEqual([[viaOutbox.id, "delivered"]]);
  });

  it("429 is retried after Retry-After; then sent once", async () => {
    const { shop, customer } = await twilioShop("tw-429");
    const { id } = await schedule(shop, customer, "k1");
    twilio.failNext(twilioError(429, 20429, "Too Many Requests", { "Retry-After": "30" }));
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "SCHEDULED", errorClass: "retryable" });
    shop.clock.advance(30_000);
    await shop.work();
    expect((await message(id)).status).toBe("SENT");
    expect(atTwilio(customer.phone)).toHaveLength(1);
  });

  it("503: the message stays SENDING; the retry asks Twilio first, finds nothing, and sends once", async () => {
    const { shop, customer } = await twilioShop("tw-503");
    const { id } = await schedule(shop, customer, "k1");
    twilio.failNext(twilioError(503, 20503, "Service Unavailable"));
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "SENDING", errorClass: "retryable" });
    shop.clock.advance(HOUR);
    await shop.work();
    expect((await message(id)).status).toBe("SENT");
    expect(atTwilio(customer.phone)).toHaveLength(1);
  });

  it("the answer is lost after Twilio accepted the message: the retry finds it there and does not resend", async () => {
    const { shop, customer } = await twilioShop("tw-lost-answer");
    const { id } = await schedule(shop, customer, "k1");
    const credentials = await testProviders.twilioCredentials(customer.shopId);
    const lossyRequest: HttpRequest = async (url, ask) => {
      const answer = await keepAliveRequest(url, ask);
      if (ask.method === "POST") throw new Error("socket hang up"); // Twilio got it; we did not hear back
      return answer;
    };
    const lossy = {
      ...shop.deps,
      providers: {
        forShop: async () => new TwilioProvider(credentials, lossyRequest),
      } as unknown as typeof testProviders,
    };
    expect(await sendMessage(lossy, id)).toBe("retrying");
    expect((await message(id)).status).toBe("SENDING");
    shop.clock.advance(HOUR);
    await shop.work();
    const sent = await message(id);
    expect(sent.status).toBe("SENT");
    const received = atTwilio(customer.phone);
    expect(received).toHaveLength(1);
    expect(sent.providerMessageId).toBe(received[0]!.sid);
  });

  it("carrier opt-out (21610): failed for good, ledger records it, pending messages cancelled", async () => {
    const { shop, customer } = await twilioShop("tw-21610");
    const { id } = await schedule(shop, customer, "k1");
    const later = await scheduleMessage(shop.deps, {
      shopId: customer.shopId,
      customerId: customer.id,
      body: "Later",
      purpose: "marketing",
      idempotencyKey: "k2",
      dueAt: new Date(shop.clock.now().getTime() + DAY),
    });
    twilio.failNext(twilioError(400, 21610, "Attempt to send to unsubscribed recipient"));
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "FAILED", errorClass: "permanent" });
    expect((await message(later.id)).status).toBe("CANCELLED");
    const c = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(c.smsConsent).toBe("UNSUBSCRIBED");
    expect(await db.consentEvent.count({ where: { customerId: customer.id, source: "CARRIER" } })).toBe(1);
  });
});

describe("exactly one SMS across crashes", () => {
  /** The provider accepts, then the worker dies before recording it. */
  const crashingAfterAccept = (inner: SmsProvider): SmsProvider => ({
    name: inner.name,
    findSent: (q) => inner.findSent(q),
    send: async (sms) => {
      await inner.send(sms);
      throw new Error("worker killed after the provider accepted");
    },
  });

  it("killed after SENDING was recorded but before the provider call: sent once on restart", async () => {
    const { shop, customer } = await shopWithShopper("crash-before", "2026-07-01T18:00:00Z");
    await testProviders.useTwilio(
      customer.shopId,
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
    );
    const { id } = await schedule(shop, customer, "k1");
    // The state a crash leaves: claimed (SENDING, text fixed, held by the claim for a while), provider never called.
    const heldUntil = new Date(shop.clock.now().getTime() + 25 * SECOND);
    await db.message.update({
      where: { id },
      data: { status: "SENDING", sentAt: shop.clock.now(), attempts: 1, claimedUntil: heldUntil },
    });
    // The retry comes before the claim ran out (the dead worker might still have been sending): it waits.
    expect(await sendMessage(shop.deps, id)).toBe("noop");
    expect(twilio.received.filter((r) => r.params.To === customer.phone)).toHaveLength(0);
    shop.clock.set(heldUntil);
    expect(await sendMessage(shop.deps, id)).toBe("sent");
    expect(await sendMessage(shop.deps, id)).toBe("noop");
    expect(twilio.received.filter((r) => r.params.To === customer.phone)).toHaveLength(1);
  });

  it("killed after the provider accepted but before SENT was recorded: reconciled, not resent", async () => {
    const { shop, customer } = await shopWithShopper("crash-after", "2026-07-01T18:00:00Z");
    await testProviders.useTwilio(
      customer.shopId,
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
    );
    const { id } = await schedule(shop, customer, "k1");
    const real = await testProviders.forShop(customer.shopId);
    const crashing = {
      ...shop.deps,
      providers: { forShop: async () => crashingAfterAccept(real) } as unknown as typeof testProviders,
    };
    await expect(sendMessage(crashing, id)).rejects.toThrow(/worker killed/);
    expect((await message(id)).status).toBe("SENDING");

    // The job is retried (lease expiry), once the claim has run out; the message is found at the provider.
    shop.clock.advance(MINUTE);
    expect(await sendMessage(shop.deps, id)).toBe("reconciled");
    const sent = await message(id);
    expect(sent.status).toBe("SENT");
    const received = twilio.received.filter((r) => r.params.To === customer.phone);
    expect(received).toHaveLength(1);
    expect(sent.providerMessageId).toBe(received[0]!.sid);
  });

  it("the same job run twice at once (retried while its first run still sends): one text", async () => {
    const { shop, customer } = await shopWithShopper("twice-at-once", "2026-07-01T18:00:00Z");
    await testProviders.useTwilio(
      customer.shopId,
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
    );
    const { id } = await schedule(shop, customer, "k1");
    const real = await testProviders.forShop(customer.shopId);
    // The first run is held inside its provider call until the second run has finished.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let calling!: () => void;
    const inCall = new Promise<void>((r) => (calling = r));
    const slow = {
      ...shop.deps,
      providers: {
        forShop: async () => ({
          name: real.name,
          findSent: (q: Parameters<SmsProvider["findSent"]>[0]) => real.findSent(q),
          send: async (sms: Parameters<SmsProvider["send"]>[0]) => {
            calling();
            await released;
            return real.send(sms);
          },
        }),
      } as unknown as typeof testProviders,
    };
    const first = sendMessage(slow, id);
    await inCall;
    // The job engine runs the job again (a heartbeat missed while the database restarted).
    expect(await sendMessage(shop.deps, id)).toBe("noop"); // queued again for when the claim runs out
    expect(twilio.received.filter((r) => r.params.To === customer.phone)).toHaveLength(0);
    release();
    expect(await first).toBe("sent");
    shop.clock.advance(MINUTE);
    await shop.work();
    expect(twilio.received.filter((r) => r.params.To === customer.phone)).toHaveLength(1);
    expect((await message(id)).status).toBe("SENT");
  });

  it("a claimer late for its slot renews its claim while it holds, and sends", async () => {
    const { shop, customer } = await shopWithShopper("late-claimer", "2026-07-01T18:00:00Z");
    const first = await schedule(shop, customer, "k1");
    // Eight seconds late (a slow provider ahead of it): the claim (slot + 15 s + 10 s) still holds.
    expect(await sendMessage({ ...shop.deps, pacer: lateBy(8 * SECOND) }, first.id)).toBe("sent");
    expect(outboxFor(customer.phone)).toHaveLength(1);
  });

  it("a claimer late past its claim leaves the text to the retry, which sends it once the claim has run out", async () => {
    const { shop, customer } = await shopWithShopper("frozen-claimer", "2026-07-01T18:00:00Z");
    const { id } = await schedule(shop, customer, "k1");
    // A minute late (a frozen process): the claim has run out, so another run may own the text.
    await expect(sendMessage({ ...shop.deps, pacer: lateBy(MINUTE) }, id)).rejects.toThrow(/outlived its claim/);
    expect((await message(id)).status).toBe("SENDING");
    expect(outboxFor(customer.phone)).toHaveLength(0);

    shop.clock.advance(MINUTE);
    expect(await sendMessage(shop.deps, id)).toBe("sent");
    expect(outboxFor(customer.phone)).toHaveLength(1);
  });
});

/** A sending clock that jumps `ms` ahead after the claim's time was read (the claimer is late for its slot). */
function lateBy(ms: number) {
  let reads = 0;
  return new SendPacer(
    async () => {},
    () => Date.now() + (reads++ > 0 ? ms : 0),
  );
}
