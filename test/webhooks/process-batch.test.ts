import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { HOUR, MINUTE } from "../../app/clock";
import { QUEUES, type JobQueue } from "../../app/jobs/queue.server";
import { processWebhooks } from "../../app/webhooks/process-batch.server";
import { processWebhook } from "../../app/webhooks/process.server";
import { runOrder } from "../../app/webhooks/order-runs.server";
import { suppressNumber } from "../../app/consent/suppression.server";
import { TestShop, uniqueShop } from "../support/app";
import {
  checkoutPayload,
  customerPayload,
  marketingConsentPayload,
  orderPayload,
  productPayload,
} from "../support/fixtures";

const START = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(START.getTime() + minutes * MINUTE);

/**
 * A busy hour of one shop, delivered before the worker runs: customers created and updated
 * (one update arriving after a newer one), orders (one delivered twice under two webhook ids,
 * one cancelled later, one updated twice with the older update last), a checkout, consent
 * changes, a payload that fails its schema, a customer first seen in an order and a customer
 * whose order carries a newer profile.
 */
async function deliverBusyHour(shop: TestShop) {
  const c1 = customerPayload({
    id: 501,
    updatedAt: at(0),
    smsState: "subscribed",
    consentAt: at(-60),
    phone: "+14155550101",
  });
  const c2 = customerPayload({ id: 502, updatedAt: at(0), phone: "+14155550102" });
  const c3 = customerPayload({
    id: 503,
    updatedAt: at(0),
    smsState: "subscribed",
    consentAt: at(-60),
    phone: "+14155550103",
  });
  for (const c of [c1, c2, c3]) await shop.send("customers/create", c);
  const first = orderPayload({ id: 9001, customer: c1, at: at(1), total: "40.00" });
  await shop.send("orders/create", first);
  await shop.send("orders/create", orderPayload({ id: 9002, customer: c1, at: at(2), total: "260.00" }));
  await shop.send("orders/create", first, "redelivered-under-another-id");
  await shop.send("customers/update", { ...c2, first_name: "Newer", updated_at: at(5).toISOString() });
  await shop.send("customers/update", { ...c2, first_name: "Older", updated_at: at(3).toISOString() });
  await shop.send("checkouts/create", checkoutPayload({ customer: c3, updatedAt: at(4), token: "chk-busy-503" }));
  await shop.send(
    "customers_marketing_consent/update",
    marketingConsentPayload({ customerId: 502, phone: "+14155550102", state: "subscribed", at: at(6) }),
  );
  await shop.send(
    "customers_marketing_consent/update",
    marketingConsentPayload({ customerId: 503, phone: "+14155550103", state: "unsubscribed", at: at(7) }),
  );
  await shop.send("orders/create", { id: 9003, note: "no customer, no dates" });
  await shop.send(
    "orders/cancelled",
    orderPayload({ id: 9001, customer: c1, at: at(1), updatedAt: at(8), cancelledAt: at(8) }),
  );
  await shop.send(
    "orders/create",
    orderPayload({ id: 9004, customer: c3, at: at(9), total: "15.00", checkoutToken: "chk-busy-503" }),
  );
  const c4 = customerPayload({
    id: 504,
    updatedAt: at(9),
    smsState: "subscribed",
    consentAt: at(9),
    phone: "+14155550104",
  });
  const c2Newest = { ...c2, first_name: "From an order", updated_at: at(10).toISOString() };
  // Most real orders carry Shopify's geocode of the address: the surest zone (Ottawa: Toronto's).
  const geocoded = (order: ReturnType<typeof orderPayload>, latitude: number, longitude: number) => ({
    ...order,
    shipping_address: { ...order.shipping_address, latitude, longitude },
  });
  const ottawa = [45.4215, -75.6972] as const;
  const losAngeles = [34.0522, -118.2437] as const;
  await shop.send(
    "orders/create",
    geocoded(orderPayload({ id: 9005, customer: c4, at: at(9), total: "30.00" }), ...ottawa),
  );
  await shop.send("orders/create", orderPayload({ id: 9006, customer: c2Newest, at: at(10), total: "20.00" }));
  const updated = (minutes: number, total: string) =>
    orderPayload({ id: 9002, customer: c1, at: at(2), updatedAt: at(minutes), total });
  await shop.send("orders/updated", geocoded(updated(12, "270.00"), ...ottawa));
  await shop.send("orders/updated", geocoded(updated(11, "265.00"), ...losAngeles)); // older: not applied
}

/** Everything the events leave behind, by Shopify ids and keys (not the rows' own ids). */
async function finalState(shop: TestShop) {
  const { id: shopId } = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
  const customers = await db.customer.findMany({
    where: { shopId },
    select: {
      shopifyId: true,
      firstName: true,
      smsConsent: true,
      smsConsentAt: true,
      timeZone: true,
      ordersCount: true,
      totalSpent: true,
      lastOrderAt: true,
    },
    orderBy: { shopifyId: "asc" },
  });
  const orders = await db.order.findMany({
    where: { shopId },
    select: {
      shopifyId: true,
      cancelledAt: true,
      totalPrice: true,
      checkoutToken: true,
      _count: { select: { lines: true } },
    },
    orderBy: { shopifyId: "asc" },
  });
  const segments = await db.segment.findMany({
    where: { shopId },
    select: { key: true, memberCount: true, _count: { select: { memberships: true } } },
    orderBy: { key: "asc" },
  });
  const runs = await db.flowRun.findMany({
    where: { shopId },
    select: {
      flow: { select: { key: true } },
      customer: { select: { shopifyId: true } },
      status: true,
      exitReason: true,
      _count: { select: { messages: true } },
    },
  });
  const messages = await db.message.findMany({
    where: { shopId },
    select: { purpose: true, status: true, customer: { select: { shopifyId: true } } },
  });
  const inbox = await db.webhookInbox.findMany({
    where: { shopDomain: shop.domain },
    select: { topic: true, status: true },
  });
  const facts = await db.consentEvent.findMany({
    where: { shopId },
    select: {
      customerId: true,
      phone: true,
      state: true,
      source: true,
      occurredAt: true,
      evidence: true,
    },
  });
  const shopifyIdOf = new Map(
    (await db.customer.findMany({ where: { shopId }, select: { id: true, shopifyId: true } })).map((c) => [
      c.id,
      c.shopifyId,
    ]),
  );
  const checkouts = await db.checkout.findMany({ where: { shopId }, select: { token: true, completedAt: true } });
  const key = (o: unknown) => JSON.stringify(o);
  return {
    customers: customers.map((c) => ({ ...c, totalSpent: String(c.totalSpent) })),
    orders: orders.map((o) => ({ ...o, totalPrice: String(o.totalPrice) })),
    segments,
    checkouts,
    // The ledger's facts with their source; the evidence names the topic (its inbox id differs by shop).
    facts: facts
      .map(({ evidence, customerId, ...f }) =>
        key({ ...f, customer: shopifyIdOf.get(customerId!), topic: (evidence as { topic?: string } | null)?.topic }),
      )
      .sort(),
    memberships: await shop.memberships(),
    // A run the batch never starts: its shopper entered the segment and left it (or ordered)
    // within the batch, so the membership events in between are not recorded (see
    // process-batch); one at a time started it and exited it, before it sent anything.
    runs: runs
      .filter((r) => r.status !== "EXITED")
      .map(key)
      .sort(),
    exitedRuns: runs.filter((r) => r.status === "EXITED"),
    messages: messages.map(key).sort(),
    inbox: inbox.map(key).sort(),
  };
}

const inboxIds = async (shop: TestShop) =>
  (
    await db.webhookInbox.findMany({
      where: { shopDomain: shop.domain },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      select: { id: true },
    })
  ).map((r) => r.id);

async function shopWithFlowsOn(label: string) {
  const shop = new TestShop(uniqueShop(label), START);
  const { id } = await shop.install();
  await db.flow.updateMany({ where: { shopId: id }, data: { enabled: true } });
  return shop;
}

/** An order whose shopper ticked the SMS box at checkout for `phone`. */
const ticked = (order: ReturnType<typeof orderPayload>, phone: string) => ({
  ...order,
  buyer_accepts_sms_marketing: true,
  sms_marketing_phone: phone,
});

const sortBy = <T>(items: T[], key: (item: T) => string) =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/**
 * The same webhooks delivered to two shops (flows on), the rows still RECEIVED processed one at
 * a time in one and as one batch in the other: the batch must end in the same state, returned
 * (a guest contact's id is an opaque "local:<uuid>" of its own in each shop: made comparable).
 */
async function batchEndsLikeOneAtATime(label: string, deliver: (shop: TestShop) => Promise<void>, rows: number) {
  const alone = await shopWithFlowsOn(`${label}-one-at-a-time`);
  const batched = await shopWithFlowsOn(`${label}-batched`);
  for (const shop of [alone, batched]) await deliver(shop);
  const received = async (shop: TestShop) =>
    (
      await db.webhookInbox.findMany({
        where: { shopDomain: shop.domain, status: "RECEIVED" },
        orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      })
    ).map((r) => r.id);
  for (const id of await received(alone)) await processWebhook(alone.deps, id);
  const ids = await received(batched);
  expect(ids).toHaveLength(rows);
  // Every one of them an order the set-based way.
  for (const row of await db.webhookInbox.findMany({ where: { id: { in: ids } } }))
    expect(runOrder("orders/create", JSON.parse(row.payload))).not.toBeNull();
  await processWebhooks(batched.deps, ids);
  for (const shop of [alone, batched]) await shop.work();
  const comparable = async (shop: TestShop) => {
    const { exitedRuns: _exited, ...state } = await finalState(shop);
    const same = JSON.parse(JSON.stringify(state).replace(/local:[0-9a-f-]{36}/g, "local:contact"));
    // Contacts sort by their random ids: in an order of their own.
    return { ...same, customers: sortBy(same.customers as unknown[], (c) => JSON.stringify(c)) };
  };
  const expected = await comparable(alone);
  expect(await comparable(batched)).toEqual(expected);
  return expected;
}

describe("webhooks processed in batches (webhooks/process-batch)", () => {
  it("GIVEN a shop's busy hour WHEN the worker takes its webhooks together THEN the state is the one of one at a time", async () => {
    const alone = await shopWithFlowsOn("one-at-a-time");
    const batched = await shopWithFlowsOn("batched");
    for (const shop of [alone, batched]) {
      await deliverBusyHour(shop);
      shop.clock.advance(2 * HOUR);
    }
    // One shop's rows through the single path in arrival order, the other's as one batch;
    // then each worker runs what followed (flow runs, texts).
    for (const id of await inboxIds(alone)) await processWebhook(alone.deps, id).catch(() => "failed");
    await processWebhooks(batched.deps, await inboxIds(batched));
    for (const shop of [alone, batched]) await shop.work();
    const { exitedRuns, ...expected } = await finalState(alone);
    const { exitedRuns: exitedInBatch, ...got } = await finalState(batched);
    expect(got).toEqual(expected);
    expect(exitedRuns.every((r) => r._count.messages === 0 && r.exitReason)).toBe(true);
    expect(exitedInBatch.length).toBeLessThanOrEqual(exitedRuns.length);
    // The state says what it should, not only the same thing twice.
    expect(expected.customers.find((c) => c.shopifyId === "502")).toMatchObject({
      firstName: "From an order",
      smsConsent: "SUBSCRIBED",
    });
    expect(expected.customers.find((c) => c.shopifyId === "501")).toMatchObject({ ordersCount: 1 });
    expect(expected.orders.map((o) => o.shopifyId)).toEqual(["9001", "9002", "9004", "9005", "9006"]);
    expect(expected.orders.find((o) => o.shopifyId === "9002")).toMatchObject({ totalPrice: "270" });
    expect(expected.checkouts).toEqual([{ token: "chk-busy-503", completedAt: at(9) }]);
    expect(expected.customers.find((c) => c.shopifyId === "504")).toMatchObject({
      smsConsent: "SUBSCRIBED",
      ordersCount: 1,
      timeZone: "America/Toronto", // the order's geocode, not the profile's San Francisco address
    });
    expect(expected.customers.find((c) => c.shopifyId === "501")).toMatchObject({ timeZone: "America/Toronto" });
    // The geocoded orders went the set-based way.
    const geocodedOrder = (await db.webhookInbox.findMany({ where: { shopDomain: batched.domain } })).find((r) =>
      r.payload.includes('"latitude":45.4215'),
    )!;
    expect(runOrder("orders/create", JSON.parse(geocodedOrder.payload))).not.toBeNull();
    expect(expected.inbox.filter((r) => r.includes("REJECTED"))).toHaveLength(1);
    expect(expected.segments.every((s) => s.memberCount === s._count.memberships)).toBe(true);
    expect(expected.runs.length).toBeGreaterThan(0);
  });

  it("GIVEN orders with and without checkout SMS consent WHEN the worker takes them together THEN the state is the one of one at a time", async () => {
    const deliver = async (shop: TestShop) => {
      const known = customerPayload({ id: 851, updatedAt: at(0), phone: "+14155550141" });
      const subscribed = customerPayload({
        id: 852,
        updatedAt: at(0),
        smsState: "subscribed",
        consentAt: at(-60),
        phone: "+14155550142",
      });
      const unsubscribed = customerPayload({
        id: 853,
        updatedAt: at(0),
        smsState: "unsubscribed",
        consentAt: at(-30),
        phone: "+14155550143",
      });
      for (const c of [known, subscribed, unsubscribed]) await shop.send("customers/create", c);
      await shop.work(); // the customers first, alone: the batch below holds only orders
      await shop.send("orders/create", ticked(orderPayload({ id: 9401, customer: known, at: at(1) }), "+14155550141"));
      await shop.send("orders/create", orderPayload({ id: 9402, customer: subscribed, at: at(2) }));
      // Re-subscribes at the order's time, after the older opt-out.
      await shop.send(
        "orders/create",
        ticked(orderPayload({ id: 9403, customer: unsubscribed, at: at(3) }), "(415) 555-0143"),
      );
      // A guest: the consent makes a contact by the number, and the order is the contact's.
      const guest = orderPayload({ id: 9404, customer: known, at: at(4) });
      await shop.send("orders/create", { ...ticked(guest, "+14155550144"), customer: null });
      // The same shopper ticks the box again on a later order: one confirmation text only.
      await shop.send("orders/create", ticked(orderPayload({ id: 9405, customer: known, at: at(5) }), "+14155550141"));
      await shop.send(
        "orders/create",
        ticked(orderPayload({ id: 9406, customer: subscribed, at: at(6) }), "not a number"),
      );
    };
    const expected = await batchEndsLikeOneAtATime("consent", deliver, 6);
    // The state says what it should: four CHECKOUT facts (one for the contact), three confirmation texts.
    const checkoutFacts = (expected.facts as string[]).filter((f) => f.includes('"CHECKOUT"'));
    expect(checkoutFacts).toHaveLength(4);
    expect(checkoutFacts.some((f) => f.includes("local:contact"))).toBe(true);
    expect(expected.customers.find((c: { shopifyId: string }) => c.shopifyId === "853")).toMatchObject({
      smsConsent: "SUBSCRIBED",
    });
    expect(expected.orders.map((o: { shopifyId: string }) => o.shopifyId)).toEqual([
      "9401",
      "9402",
      "9403",
      "9404",
      "9405",
      "9406",
    ]);
    expect((expected.messages as string[]).filter((m) => m.includes("transactional"))).toHaveLength(3);
  });

  it("GIVEN a shopper Shopify still shows unsubscribed who ticks the box WHEN the order's update repeats the old opt-out THEN the new subscription's confirmation text still goes, one at a time and in a batch", async () => {
    const phone = "+14155550171";
    const deliver = async (shop: TestShop) => {
      // Unsubscribed in Shopify half an hour ago; orders keep embedding that state for a while.
      const lapsed = customerPayload({
        id: 871,
        updatedAt: at(0),
        smsState: "unsubscribed",
        consentAt: at(-30),
        phone,
      });
      await shop.send("customers/create", lapsed);
      await shop.work();
      await shop.send("orders/create", ticked(orderPayload({ id: 9701, customer: lapsed, at: at(3) }), phone));
      await shop.send(
        "orders/updated",
        ticked(orderPayload({ id: 9701, customer: lapsed, at: at(3), updatedAt: at(4) }), phone),
      );
    };
    const expected = await batchEndsLikeOneAtATime("stale-opt-out", deliver, 2);
    expect(expected.customers.find((c: { shopifyId: string }) => c.shopifyId === "871")).toMatchObject({
      smsConsent: "SUBSCRIBED",
    });
    // The order's update noted the half-hour-old opt-out again: older than the subscription, it
    // cancels nothing (it cancelled the confirmation text before).
    expect((expected.messages as string[]).filter((m) => m.includes("transactional"))).toEqual([
      expect.stringContaining("DELIVERED"),
    ]);
  });

  it("GIVEN checkout consents that meet in one round (one number twice, a guest with a customer's number, a suppressed number, an opt-out then an opt-in) WHEN the worker takes them together THEN the state is the one of one at a time", async () => {
    const deliver = async (shop: TestShop) => {
      const known = customerPayload({ id: 861, updatedAt: at(0), phone: "+14155550161" });
      const numberless = customerPayload({ id: 862, updatedAt: at(0), phone: null });
      const leaving = customerPayload({
        id: 863,
        updatedAt: at(0),
        smsState: "subscribed",
        consentAt: at(-60),
        phone: "+14155550163",
      });
      for (const c of [known, numberless, leaving]) await shop.send("customers/create", c);
      await shop.work();
      const { id: shopId } = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
      await suppressNumber(db, { shopId, phone: "+14155550165", reason: "stop", at: at(-10) });
      const guest = (id: number, minutes: number, phone: string) => ({
        ...ticked(orderPayload({ id, customer: known, at: at(minutes) }), phone),
        customer: null,
      });
      // A guest with a customer's number: the consent is the customer's; the customer ticks too.
      await shop.send("orders/create", guest(9501, 1, "+14155550161"));
      await shop.send("orders/create", ticked(orderPayload({ id: 9502, customer: known, at: at(2) }), "+14155550161"));
      // A customer without a number on file gets the one they ticked the box with.
      await shop.send(
        "orders/create",
        ticked(orderPayload({ id: 9503, customer: numberless, at: at(3) }), "+14155550162"),
      );
      // One new number twice: one contact, two facts, one confirmation text.
      await shop.send("orders/create", guest(9504, 4, "+14155550164"));
      await shop.send("orders/create", guest(9505, 5, "+14155550164"));
      // A suppressed number: the fact is recorded, no text goes to it.
      await shop.send("orders/create", guest(9506, 6, "+14155550165"));
      // An opt-out (the order's customer) and, later in the same round, an opt-in for the number.
      const optedOut = customerPayload({
        id: 863,
        updatedAt: at(7),
        smsState: "unsubscribed",
        consentAt: at(7),
        phone: "+14155550163",
      });
      await shop.send("orders/create", orderPayload({ id: 9507, customer: optedOut, at: at(7) }));
      await shop.send("orders/create", guest(9508, 8, "+14155550163"));
    };
    const expected = await batchEndsLikeOneAtATime("consent-meet", deliver, 8);
    const checkoutFacts = (expected.facts as string[]).filter((f) => f.includes('"CHECKOUT"'));
    expect(checkoutFacts).toHaveLength(7);
    const customer = (shopifyId: string) =>
      expected.customers.find((c: { shopifyId: string }) => c.shopifyId === shopifyId);
    expect(customer("861")).toMatchObject({ smsConsent: "SUBSCRIBED" });
    expect(customer("862")).toMatchObject({ smsConsent: "SUBSCRIBED" });
    expect(customer("863")).toMatchObject({ smsConsent: "SUBSCRIBED" });
    // Two contacts (+1415555016 4 and 5), each once.
    expect(expected.customers.filter((c: { shopifyId: string }) => c.shopifyId === "local:contact")).toHaveLength(2);
    // Confirmation texts: 861, 862, the new number's contact, 863 again after its opt-out; none to the suppressed number.
    expect((expected.messages as string[]).filter((m) => m.includes("transactional"))).toHaveLength(4);
  });

  it("GIVEN a guest checkout and a customer new to the app sharing one number in one round WHEN the worker takes them together THEN the state is the one of one at a time", async () => {
    const deliver = async (shop: TestShop) => {
      const guest = (id: number, minutes: number, phone: string, buyer: ReturnType<typeof customerPayload>) => ({
        ...ticked(orderPayload({ id, customer: buyer, at: at(minutes) }), phone),
        customer: null,
      });
      // The guest ticks the box first; the customer, first seen in their order, has the number on file.
      const onFile = customerPayload({ id: 881, updatedAt: at(0), phone: "+14155550181" });
      await shop.send("orders/create", guest(9801, 1, "+14155550181", onFile));
      await shop.send("orders/create", orderPayload({ id: 9802, customer: onFile, at: at(2) }));
      // The guest ticks the box first; the customer, without a number, ticks it with the same one.
      const numberless = customerPayload({ id: 882, updatedAt: at(0), phone: null });
      await shop.send("orders/create", guest(9803, 3, "+14155550182", numberless));
      await shop.send(
        "orders/create",
        ticked(orderPayload({ id: 9804, customer: numberless, at: at(4) }), "+14155550182"),
      );
      // The customer first, then the guest with their number.
      const first = customerPayload({ id: 883, updatedAt: at(0), phone: "+14155550183" });
      await shop.send("orders/create", orderPayload({ id: 9805, customer: first, at: at(5) }));
      await shop.send("orders/create", guest(9806, 6, "+14155550183", first));
    };
    const expected = await batchEndsLikeOneAtATime("guest-meets-new", deliver, 6);
    // Exactly one confirmation text per number.
    expect((expected.messages as string[]).filter((m) => m.includes("transactional"))).toHaveLength(3);
  });

  it("GIVEN a batch WHEN the segments change THEN each customer's events name the last row that touched them", async () => {
    const shop = await shopWithFlowsOn("cause-refs");
    const c = customerPayload({
      id: 601,
      updatedAt: at(0),
      smsState: "subscribed",
      consentAt: at(-60),
      phone: "+14155550111",
    });
    await shop.send("customers/create", c);
    await shop.send("orders/create", orderPayload({ id: 9101, customer: c, at: at(1) }));
    const rows = await db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, orderBy: { receivedAt: "asc" } });
    const results = await processWebhooks(
      shop.deps,
      rows.map((r) => r.id),
    );
    expect([...results.values()]).toEqual(["processed", "processed"]);
    const customer = await db.customer.findFirstOrThrow({ where: { shopifyId: "601", shop: { domain: shop.domain } } });
    const events = await db.segmentMembershipEvent.findMany({ where: { customerId: customer.id } });
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.causeRef))).toEqual(new Set([rows[1]!.id]));
  });

  it("GIVEN a subscribed customer with a text pending WHEN a batch's order brings their opt-out THEN the text is cancelled", async () => {
    const shop = await shopWithFlowsOn("batch-opt-out");
    const phone = "+14155550131";
    const c = customerPayload({ id: 801, updatedAt: at(0), smsState: "subscribed", consentAt: at(-60), phone });
    await shop.deliver("customers/create", c);
    const customer = await db.customer.findFirstOrThrow({ where: { shopifyId: "801", shop: { domain: shop.domain } } });
    const pending = await db.message.create({
      data: {
        shopId: customer.shopId,
        customerId: customer.id,
        phone,
        direction: "OUTBOUND",
        purpose: "marketing",
        body: "Spring sale",
        status: "SCHEDULED",
        dueAt: at(24 * 60),
      },
    });
    const optedOut = customerPayload({
      id: 801,
      updatedAt: at(2),
      smsState: "unsubscribed",
      consentAt: at(2),
      phone,
    });
    await shop.send("orders/create", orderPayload({ id: 9301, customer: c, at: at(1) }));
    await shop.send("orders/create", orderPayload({ id: 9302, customer: optedOut, at: at(2) }));
    const rows = await db.webhookInbox.findMany({
      where: { shopDomain: shop.domain, topic: "orders/create" },
      orderBy: { receivedAt: "asc" },
    });
    await processWebhooks(
      shop.deps,
      rows.map((r) => r.id),
    );
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({
      smsConsent: "UNSUBSCRIBED",
    });
    expect(
      await db.message.findUniqueOrThrow({ where: { id: pending.id }, select: { status: true, error: true } }),
    ).toEqual({ status: "CANCELLED", error: `opted out (${rows[1]!.id})` });
  });

  it("GIVEN a row that fails in a batch WHEN the batch runs THEN only that row's job fails and the others are processed", async () => {
    const shop = await shopWithFlowsOn("isolated");
    const c = customerPayload({
      id: 701,
      updatedAt: at(0),
      smsState: "subscribed",
      consentAt: at(-60),
      phone: "+14155550121",
    });
    await shop.send("customers/create", c);
    await shop.send(
      "products/create",
      productPayload({ id: 77, updatedAt: at(0), variantId: 7701, inventoryItemId: 7801 }),
    );
    await shop.send("orders/create", orderPayload({ id: 9201, customer: c, at: at(1) }));
    const rows = await db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, orderBy: { receivedAt: "asc" } });
    // The product's collections job cannot be queued (a queue outage for that one row).
    const queue: JobQueue = {
      enqueue: async (name, payload, options) => {
        if (name === QUEUES.syncProductCollections) throw new Error("queue unavailable");
        return shop.deps.queue.enqueue(name, payload, options);
      },
      enqueueMany: (name, jobs) => shop.deps.queue.enqueueMany(name, jobs),
    } as JobQueue;
    const results = await processWebhooks(
      { ...shop.deps, queue },
      rows.map((r) => r.id),
    );
    expect(rows.map((r) => results.get(r.id) instanceof Error)).toEqual([false, true, false]);
    const statuses = await db.webhookInbox.findMany({
      where: { shopDomain: shop.domain },
      orderBy: { receivedAt: "asc" },
    });
    expect(statuses.map((r) => r.status)).toEqual(["PROCESSED", "FAILED", "PROCESSED"]);
    expect(await shop.segmentsOf(701)).toContain("one-time-buyers");
  });
});
