import { describe, expect, it, vi } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { CLICKS_PER_CODE_PER_MINUTE, trackLinks } from "../../app/tracking/links.server";
import { loader } from "../../app/routes/l.$code";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";

async function shopperWithMessage(label: string) {
  // The click route uses the wall clock, so the shop's clock starts at the real now.
  const shop = new TestShop(uniqueShop(label), new Date());
  const payload = customerPayload({ updatedAt: shop.clock.now(), smsState: "subscribed" });
  await shop.deliver("customers/create", payload);
  const customer = await db.customer.findFirstOrThrow({
    where: { shopifyId: String(payload.id), shop: { domain: shop.domain } },
  });
  const message = await db.message.create({
    data: {
      shopId: customer.shopId,
      customerId: customer.id,
      phone: customer.phone,
      direction: "OUTBOUND",
      body: "x",
      status: "SENT",
    },
  });
  return { shop, payload, customer, message };
}

describe("tracked links and clicks", () => {
  it("rewrites each URL in a body to a short link on the app's domain", async () => {
    const { customer, message } = await shopperWithMessage("links");
    const body = await trackLinks({
      db,
      appUrl: "https://sms.example/",
      body: "Back in stock: https://shop.example/products/mug?variant=1. Or https://shop.example/",
      owner: {
        shopId: customer.shopId,
        messageId: message.id,
        customerId: customer.id,
      },
    });
    expect(body).toMatch(
      /^Back in stock: https:\/\/sms\.example\/l\/[0-9A-Za-z]{8}\. Or https:\/\/sms\.example\/l\/[0-9A-Za-z]{8}$/,
    );
    const links = await db.trackedLink.findMany({ where: { messageId: message.id }, orderBy: { url: "asc" } });
    expect(links.map((l) => l.url)).toEqual(["https://shop.example/", "https://shop.example/products/mug?variant=1"]);
  });

  it("a click redirects, is recorded, and moves the shopper into clicked-recently until 30 days pass", async () => {
    const { shop, payload, customer, message } = await shopperWithMessage("clicks");
    expect(await shop.segmentsOf(payload.id)).toContain("never-clicked");
    const body = await trackLinks({
      db,
      appUrl: "https://sms.example",
      body: "See https://shop.example/cart",
      owner: {
        shopId: customer.shopId,
        messageId: message.id,
        customerId: customer.id,
      },
    });
    const code = body.split("/l/")[1]!;

    const response = (await loader({
      params: { code },
      request: new Request(`https://sms.example/l/${code}`),
      context: {},
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("https://shop.example/cart");
    expect(await db.click.count({ where: { link: { code } } })).toBe(1);

    expect(await shop.segmentsOf(payload.id)).toEqual(expect.arrayContaining(["clicked-recently"]));
    expect(await shop.segmentsOf(payload.id)).not.toContain("never-clicked");
    const events = await db.segmentMembershipEvent.findMany({ where: { customerId: customer.id, cause: "click" } });
    expect(events.length).toBeGreaterThan(0);

    shop.clock.advance(31 * DAY);
    await shop.sweep();
    expect(await shop.segmentsOf(payload.id)).not.toContain("clicked-recently");
    expect(await shop.segmentsOf(payload.id)).not.toContain("never-clicked");
  });

  it("unknown or malformed codes are a 404 and record nothing", async () => {
    for (const code of ["ZZZZZZZZ", "../etc", ""]) {
      const response = (await loader({
        params: { code },
        request: new Request("https://sms.example/l/x"),
        context: {},
      })) as Response;
      expect(response.status).toBe(404);
    }
  });
});

describe("honest clicks: only a shopper's own tap counts", () => {
  async function linkFor(label: string) {
    const { shop, payload, customer, message } = await shopperWithMessage(label);
    const body = await trackLinks({
      db,
      appUrl: "https://sms.example",
      body: "See https://shop.example/sale",
      owner: {
        shopId: customer.shopId,
        messageId: message.id,
        customerId: customer.id,
      },
    });
    return { shop, payload, code: body.split("/l/")[1]! };
  }
  const open = async (code: string, init: RequestInit = {}) =>
    (await loader({
      params: { code },
      request: new Request(`https://sms.example/l/${code}`, init),
      context: {},
    })) as Response;
  const IPHONE =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

  it.each([
    ["a HEAD request", { method: "HEAD" }],
    // iMessage's link preview announces itself like this (facebookexternalhit and Twitterbot).
    [
      "iMessage's preview",
      {
        headers: {
          "User-Agent":
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        },
      },
    ],
    ["WhatsApp's preview", { headers: { "User-Agent": "WhatsApp/2.23.20.0 A" } }],
    ["Slack's unfurler", { headers: { "User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" } }],
    ["a Chromium prefetch (Sec-Purpose)", { headers: { "User-Agent": IPHONE, "Sec-Purpose": "prefetch" } }],
    [
      "a Safari / Firefox prefetch (Purpose, X-Moz)",
      { headers: { "User-Agent": IPHONE, Purpose: "prefetch", "X-Moz": "prefetch" } },
    ],
  ])("GIVEN %s WHEN the link is opened THEN it redirects but no click is counted", async (_what, init) => {
    const { shop, payload, code } = await linkFor("preview");
    const response = await open(code, init);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("https://shop.example/sale");
    expect(await db.click.count({ where: { link: { code } } })).toBe(0);
    expect(await shop.segmentsOf(payload.id)).toContain("never-clicked");
  });

  it("GIVEN a phone's browser WHEN the shopper taps THEN the click counts", async () => {
    const { code } = await linkFor("tap");
    await open(code, { headers: { "User-Agent": IPHONE } });
    expect(await db.click.count({ where: { link: { code } } })).toBe(1);
  });

  it("GIVEN a loop opening one code 20 times in a minute WHEN counted THEN at most CLICKS_PER_CODE_PER_MINUTE are recorded, every request still redirected", async () => {
    const { code } = await linkFor("storm");
    const statuses = [];
    // The limit counts per clock minute: the clock stands still while the loop runs.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (let i = 0; i < 20; i++) statuses.push((await open(code, { headers: { "User-Agent": IPHONE } })).status);
    } finally {
      vi.useRealTimers();
    }
    expect(new Set(statuses)).toEqual(new Set([302]));
    expect(await db.click.count({ where: { link: { code } } })).toBe(CLICKS_PER_CODE_PER_MINUTE);
  });

  it("GIVEN 20 requests for one code at once (a bot fanning out, a double tap) WHEN counted THEN CLICKS_PER_CODE_PER_MINUTE are recorded, every request redirected, the shopper's segments moved once", async () => {
    const { shop, payload, code } = await linkFor("burst");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() }); // one clock minute for the whole burst
    let responses: Response[];
    try {
      responses = await Promise.all(
        Array.from({ length: 20 }, () => open(code, { headers: { "User-Agent": IPHONE } })),
      );
    } finally {
      vi.useRealTimers();
    }
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([302]));
    expect(await db.click.count({ where: { link: { code } } })).toBe(CLICKS_PER_CODE_PER_MINUTE);
    // The refreshes raced (one customer, five counted clicks at once): each change made once
    expect(await shop.segmentsOf(payload.id)).toContain("clicked-recently");
    expect(await shop.segmentsOf(payload.id)).not.toContain("never-clicked");
    const segments = await db.segment.findMany({
      where: { shop: { domain: shop.domain } },
      select: { memberCount: true, _count: { select: { memberships: true } } },
    });
    expect(segments.map((s) => s.memberCount)).toEqual(segments.map((s) => s._count.memberships));
  });
});
