import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { trackLinks } from "../../app/tracking/links.server";
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
    const body = await trackLinks(
      db,
      "https://sms.example/",
      "Back in stock: https://shop.example/products/mug?variant=1. Or https://shop.example/",
      {
        shopId: customer.shopId,
        messageId: message.id,
        customerId: customer.id,
      },
    );
    expect(body).toMatch(
      /^Back in stock: https:\/\/sms\.example\/l\/[0-9A-Za-z]{8}\. Or https:\/\/sms\.example\/l\/[0-9A-Za-z]{8}$/,
    );
    const links = await db.trackedLink.findMany({ where: { messageId: message.id }, orderBy: { url: "asc" } });
    expect(links.map((l) => l.url)).toEqual(["https://shop.example/", "https://shop.example/products/mug?variant=1"]);
  });

  it("a click redirects, is recorded, and moves the shopper into clicked-recently until 30 days pass", async () => {
    const { shop, payload, customer, message } = await shopperWithMessage("clicks");
    expect(await shop.segmentsOf(payload.id)).toContain("never-clicked");
    const body = await trackLinks(db, "https://sms.example", "See https://shop.example/cart", {
      shopId: customer.shopId,
      messageId: message.id,
      customerId: customer.id,
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
