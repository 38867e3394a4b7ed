import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { HOUR } from "../../app/clock";
import { sendMessage } from "../../app/messaging/dispatch.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

/**
 * The matrix, zone source × rule × local time, through the real send path (schedule,
 * worker tick, the gates) on a fake clock. The shop's own quiet hours are off and its cap
 * loose, so what holds a text here is the law's rules table (messaging/rules).
 */
interface Where {
  phone: string;
  /** null: no address at all; otherwise a US (or other) address, state optional. */
  address?: { country: string; province: string | null; city: string } | null;
}

let serial = 0;
async function shopper(label: string, at: string, w: Where) {
  const shop = new TestShop(uniqueShop(label), new Date(at));
  const { id: shopId } = await db.shop.upsert({
    where: { domain: shop.domain },
    create: { domain: shop.domain },
    update: {},
  });
  void shopId;
  await shop.deliver("customers/create", {
    ...customerPayload({ updatedAt: new Date(Date.parse(at) - HOUR), smsState: "subscribed", phone: w.phone }),
    ...addressOf(w),
  });
  const customer = await db.customer.findFirstOrThrow({
    where: { shop: { domain: shop.domain } },
    orderBy: { createdAt: "desc" },
  });
  await db.shopSettings.update({
    where: { shopId: customer.shopId },
    data: { quietHoursStartMinute: 1440, quietHoursEndMinute: 0, frequencyCapCount: 10, frequencyCapHours: 24 },
  });
  const text = (body = "New arrivals are in") =>
    scheduleMessage(shop.deps, {
      shopId: customer.shopId,
      customerId: customer.id,
      body,
      purpose: "marketing",
      idempotencyKey: `k${++serial}`,
      dueAt: shop.clock.now(),
    });
  return { shop, customer, text };
}

function addressOf(w: Where) {
  if (w.address === undefined) return {};
  if (w.address === null) return { default_address: null };
  return {
    default_address: {
      address1: "1 Main St",
      city: w.address.city,
      country_code: w.address.country,
      province_code: w.address.province,
      default: true,
    },
  };
}

const message = (id: string) => db.message.findUniqueOrThrow({ where: { id } });
const lastDecision = async (id: string) =>
  ((await message(id)).gateDecisions as { gate: string; decision: string; detail: string }[]).at(-1)!;

describe("quiet hours in the shopper's zone, never UTC", () => {
  it("+1 415 with no address at 02:00 Pacific is held until 08:00 Pacific (zone from the number)", async () => {
    // GIVEN a San Francisco number, no address; 09:00 UTC = 02:00 PDT
    const { shop, text } = await shopper("sf-night", "2026-07-01T09:00:00Z", { phone: "+14155550142", address: null });
    // WHEN a marketing text is due
    const { id } = await text();
    await shop.work();
    // THEN it waits for 08:00 in Los Angeles, and goes then
    expect(await message(id)).toMatchObject({ status: "HELD", dueAt: new Date("2026-07-01T15:00:00Z") });
    expect((await lastDecision(id)).detail).toMatch(/America\/Los_Angeles \(from number; rules US\)/);
    shop.clock.set(new Date("2026-07-01T15:00:00Z"));
    await shop.work();
    expect((await message(id)).status).toBe("DELIVERED");
  });

  it("a US address without a state doesn't mean New York: 08:30 Eastern is 05:30 for a +1 415 number", async () => {
    const { shop, text } = await shopper("us-nostate", "2026-07-01T12:30:00Z", {
      phone: "+14155550143",
      address: { country: "US", province: null, city: "Somewhere" },
    });
    const { id } = await text();
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "HELD", dueAt: new Date("2026-07-01T15:00:00Z") });
  });

  it("coordinates on an order's address win over the address's state", async () => {
    // GIVEN a New York address and number, but an order shipped to Los Angeles (Shopify's geocode)
    const { shop, customer, text } = await shopper("coords", "2026-07-01T13:00:00Z", {
      phone: "+12125550144",
      address: { country: "US", province: "NY", city: "New York" },
    });
    const payload = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    const order = orderPayload({
      customer: {
        ...customerPayload({
          id: Number(payload.shopifyId),
          updatedAt: new Date("2026-07-01T12:00:00Z"),
          smsState: "subscribed",
          phone: "+12125550144",
        }),
      },
      at: new Date("2026-07-01T12:00:00Z"),
    });
    await shop.deliver("orders/create", {
      ...order,
      shipping_address: { ...order.shipping_address, city: "Los Angeles", latitude: 34.0522, longitude: -118.2437 },
    });
    // WHEN a text is due at 09:00 Eastern = 06:00 Pacific
    const { id } = await text();
    await shop.work();
    // THEN the coordinates' zone holds it
    expect((await lastDecision(id)).detail).toMatch(/America\/Los_Angeles \(from coordinates/);
    expect((await message(id)).status).toBe("HELD");
  });
});

describe("state rules: Florida, Oklahoma, Maryland (08:00–20:00, at most 3 in 24 h)", () => {
  it("a Florida number at 20:30 local is held until 08:00 (allowed federally until 21:00)", async () => {
    // 00:30 UTC = 20:30 EDT
    const { shop, text } = await shopper("fl-evening", "2026-07-02T00:30:00Z", {
      phone: "+13055550145",
      address: null,
    });
    const { id } = await text();
    await shop.work();
    expect(await message(id)).toMatchObject({ status: "HELD", dueAt: new Date("2026-07-02T12:00:00Z") });
    expect((await lastDecision(id)).detail).toMatch(/rules US, US-FL/);
  });

  it("the same hour in California passes: only the federal 21:00 applies there", async () => {
    // 03:30 UTC = 20:30 PDT
    const { shop, text } = await shopper("ca-evening", "2026-07-02T03:30:00Z", {
      phone: "+14155550146",
      address: null,
    });
    const { id } = await text();
    await shop.work();
    expect((await message(id)).status).toBe("DELIVERED");
  });

  it("a Florida area code binds Florida's hours even with a Texas address (the stricter wins)", async () => {
    // 01:30 UTC = 20:30 CDT
    const { shop, text } = await shopper("fl-code-tx", "2026-07-02T01:30:00Z", {
      phone: "+13055550147",
      address: { country: "US", province: "TX", city: "Austin" },
    });
    const { id } = await text();
    await shop.work();
    expect((await message(id)).status).toBe("HELD");
    expect((await lastDecision(id)).detail).toMatch(/US-FL/);
  });

  it("a Florida address binds Florida's hours in every zone of the state (Eastern and Central)", async () => {
    // 00:30 UTC = 20:30 EDT = 19:30 CDT: inside 20:00 in Pensacola, not in Miami
    const { shop, text } = await shopper("fl-address", "2026-07-02T00:30:00Z", {
      phone: "+14155550148",
      address: { country: "US", province: "FL", city: "Miami" },
    });
    const { id } = await text();
    await shop.work();
    expect((await message(id)).status).toBe("HELD");
    expect((await lastDecision(id)).detail).toMatch(
      /America\/Chicago, America\/New_York \(from address; rules US, US-FL\)/,
    );
  });

  it("a Maryland number at 20:15 local is held", async () => {
    const { shop, text } = await shopper("md-evening", "2026-07-02T00:15:00Z", {
      phone: "+14105550149",
      address: null,
    });
    const { id } = await text();
    await shop.work();
    expect((await lastDecision(id)).detail).toMatch(/US-MD/);
  });

  it("the 4th marketing text in 24 h to an Oklahoma number is refused for now, whatever the shop's cap", async () => {
    // GIVEN a shop cap of 10 a day; 17:00 UTC = 12:00 CDT
    const { shop, text } = await shopper("ok-cap", "2026-07-01T17:00:00Z", { phone: "+14055550150", address: null });
    const sent = [];
    for (let i = 0; i < 3; i++) {
      sent.push((await text(`Deal ${i}`)).id);
      await shop.work();
      shop.clock.advance(HOUR);
    }
    // WHEN a 4th is due within the day
    const fourth = await text("Deal 3");
    await shop.work();
    // THEN the first three went and the 4th waits until the first leaves the 24 hours
    for (const id of sent) expect((await message(id)).status).toBe("DELIVERED");
    expect(await message(fourth.id)).toMatchObject({ status: "HELD", dueAt: new Date("2026-07-02T17:00:00Z") });
    expect((await lastDecision(fourth.id)).detail).toMatch(/3 marketing SMS in 24 h \(US-OK\)/);
  });
});

describe("Malaysia: RM0.00 on +60 numbers", () => {
  it("prefixes a marketing text to a +60 number even when the address is elsewhere", async () => {
    // 04:00 UTC = 12:00 in Singapore and Kuala Lumpur
    const { shop, text } = await shopper("my-prefix", "2026-07-01T04:00:00Z", {
      phone: "+60123456789",
      address: { country: "SG", province: null, city: "Singapore" },
    });
    const { id } = await text("Raya sale");
    await shop.work();
    expect((await message(id)).body).toMatch(/^RM0\.00 /);
  });
});

describe("the frequency cap with several workers", () => {
  it("two workers racing on one shopper send one text, and the other waits", async () => {
    // GIVEN a shopper with a cap of 1 a day and two texts due at once
    const { shop, customer, text } = await shopper("race", "2026-07-01T17:00:00Z", {
      phone: "+14155550151",
      address: null,
    });
    await db.shopSettings.update({ where: { shopId: customer.shopId }, data: { frequencyCapCount: 1 } });
    const a = await text("First");
    const b = await text("Second");
    // WHEN two workers (own queues, same database) send them at the same moment
    const worker = () => ({ ...shop.deps, queue: new TableJobQueue(db, () => shop.clock.now()) });
    const outcomes = await Promise.all([sendMessage(worker(), a.id), sendMessage(worker(), b.id)]);
    // THEN exactly one went out
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(testProviders.outbox.sent.filter((s) => s.to === customer.phone)).toHaveLength(1);
    // AND the other, however it lost the race, is held by the cap once it looks again
    shop.clock.advance(5_000);
    await shop.work();
    const statuses = [(await message(a.id)).status, (await message(b.id)).status].sort();
    expect(statuses).toEqual(["DELIVERED", "HELD"]);
  });
});
