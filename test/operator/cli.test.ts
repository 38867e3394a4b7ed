import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { runCli } from "../../app/operator/cli.server";
import { MINUTE } from "../../app/clock";
import { TestShop, uniqueShop } from "../support/app";
import { checkoutPayload, customerPayload, orderPayload } from "../support/fixtures";
import { signedWebhook, actionArgs } from "../support/webhooks";
import { action as orders } from "../../app/routes/webhooks.orders";
import { ensureShop } from "../../app/commerce/shops.server";

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({ db, argv, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function storeWithHistory() {
  const shop = new TestShop(uniqueShop("cli"));
  const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550123", smsState: "subscribed" });
  await shop.deliver("customers/create", customer);
  await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: shop.clock.now() }));
  shop.clock.advance(61 * MINUTE);
  await shop.sweep();
  await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
  return { shop, customer };
}

describe("operator CLI", () => {
  it("segments: member counts, as a table and as JSON", async () => {
    const { shop } = await storeWithHistory();
    const json = await cli("segments", "--shop", shop.domain, "--json");
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out) as { key: string; members: number }[];
    expect(rows.find((r) => r.key === "sms-subscribers")?.members).toBe(1);
    expect(rows.find((r) => r.key === "abandoned-checkout")?.members).toBe(0);
    const text = await cli("segments", "--shop", shop.domain);
    expect(text.out).toMatch(/^key\s+name\s+kind\s+members/);
    expect(text.out).toMatch(/one-time-buyers\s+One-time buyers\s+BUILT_IN\s+1/);
  });

  it("members: lists members with masked phone numbers", async () => {
    const { shop, customer } = await storeWithHistory();
    const { code, out } = await cli("members", "one-time-buyers", "--shop", shop.domain, "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.members).toEqual([
      expect.objectContaining({ customer: String(customer.id), phone: "+1•••0123", consent: "SUBSCRIBED" }),
    ]);
    expect(out).not.toContain("+14155550123");
  });

  it("members: listed by the customer's row id, descending, as the admin's member list", async () => {
    // GIVEN three customers who entered the segment in the reverse of their rows' order
    const shop = new TestShop(uniqueShop("cli-order"));
    const customers = ["+14155550131", "+14155550132", "+14155550133"].map((phone) =>
      customerPayload({ updatedAt: shop.clock.now(), phone, smsState: "subscribed" }),
    );
    for (const customer of customers) await shop.deliver("customers/create", customer);
    for (const customer of customers.reverse()) {
      shop.clock.advance(MINUTE);
      await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    }
    const rows = await db.customer.findMany({
      where: { shop: { domain: shop.domain } },
      orderBy: { id: "desc" },
      select: { shopifyId: true },
    });

    // WHEN the operator lists the segment's members
    const { out } = await cli("members", "one-time-buyers", "--shop", shop.domain, "--json");

    // THEN they come by row id, descending, whenever they entered
    expect(rows).toHaveLength(3);
    expect((JSON.parse(out) as { members: { customer: string }[] }).members.map((m) => m.customer)).toEqual(
      rows.map((r) => r.shopifyId),
    );
  });

  it("explain takes the customer id as a number or as a gid, digits kept beyond 2^53", async () => {
    const { shop, customer } = await storeWithHistory();
    const numeric = await cli("explain", "--shop", shop.domain, "--customer", String(customer.id), "--json");
    const gid = await cli(
      "explain",
      "--shop",
      shop.domain,
      "--customer",
      `gid://shopify/Customer/${customer.id}`,
      "--json",
    );
    expect(gid).toMatchObject({ code: 0 });
    expect(JSON.parse(gid.out)).toEqual(JSON.parse(numeric.out));
    // Shopify's sample id, beyond 2^53: looked up by its exact digits (a Number would end in ...430).
    expect(
      await cli("explain", "--shop", shop.domain, "--customer", "gid://shopify/Customer/603851970716743426"),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining("no customer 603851970716743426"),
    });
    expect(await cli("explain", "--shop", shop.domain, "--customer", "gid://shopify/Order/1")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--customer takes a numeric Shopify customer id or gid://shopify/Customer/<id>"),
    });
  });

  it("explain: which segments, since when, because of which event or rule", async () => {
    const { shop, customer } = await storeWithHistory();
    const { code, out } = await cli("explain", "--shop", shop.domain, "--customer", String(customer.id), "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.segments.find((s: { key: string }) => s.key === "one-time-buyers").because).toMatch(
      /^orders\/create \(webhook /,
    );
    expect(
      report.history.map((h: { segment: string; change: string; because: string }) => [
        h.segment,
        h.change,
        h.because.split(" ")[0],
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["abandoned-checkout", "ENTERED", "time:"],
        ["abandoned-checkout", "LEFT", "orders/create"],
      ]),
    );
    const text = await cli("explain", "--shop", shop.domain, "--customer", String(customer.id));
    expect(text.out).toContain("segments now:");
    expect(text.out).not.toContain("+14155550123");
  });

  it("inbox: recent webhooks and rejected ones with their reason", async () => {
    const { shop } = await storeWithHistory();
    const bad = await orders(
      actionArgs(signedWebhook("orders/create", null, { shop: shop.domain, rawBody: "{not json" })),
    );
    expect(bad.status).toBe(400);
    const { code, out } = await cli("inbox", "--shop", shop.domain, "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.counts).toEqual({ PROCESSED: 3, REJECTED: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({
        topic: "orders/create",
        status: "REJECTED",
        error: expect.stringMatching(/malformed JSON/),
      }),
    ]);
  });

  it("clear errors: missing --shop, unknown shop, unknown segment, unknown command", async () => {
    expect(await cli("segments")).toMatchObject({ code: 2, err: expect.stringContaining("--shop is required") });
    expect(await cli("segments", "--shop", "nobody.myshopify.com")).toMatchObject({
      code: 2,
      err: expect.stringContaining("no shop nobody.myshopify.com"),
    });
    const { shop } = await storeWithHistory();
    expect(await cli("members", "nope", "--shop", shop.domain)).toMatchObject({
      code: 2,
      err: expect.stringContaining("no segment nope"),
    });
    expect(await cli("explain", "--shop", shop.domain, "--customer", "42")).toMatchObject({
      code: 2,
      err: expect.stringContaining("no customer 42"),
    });
    expect(await cli("frobnicate", "--shop", shop.domain)).toMatchObject({
      code: 2,
      err: expect.stringContaining("unknown command frobnicate"),
    });
    expect(await cli("--help")).toMatchObject({ code: 0, out: expect.stringContaining("usage:") });
  });

  it("data-exports: lists a shop's data_request exports and prints one to send on; another shop's id is unknown", async () => {
    const { shop, customer } = await storeWithHistory();
    await shop.deliver("customers/data_request", {
      shop_id: 1,
      shop_domain: shop.domain,
      orders_requested: [],
      data_request: { id: 4242 },
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
    });
    const list = await cli("data-exports", "--shop", shop.domain, "--json");
    expect(list.code).toBe(0);
    const [entry] = JSON.parse(list.out) as { id: string; requestRef: string; customerShopifyId: string }[];
    expect(entry).toMatchObject({ requestRef: "4242", customerShopifyId: String(customer.id) });
    expect((await cli("data-exports", "--shop", shop.domain)).out).toMatch(/^id\s+created\s+request\s+customer/);

    const one = await cli("data-exports", entry!.id, "--shop", shop.domain);
    expect(one.code).toBe(0);
    const data = JSON.parse(one.out) as { customers: { customer: { phone: string } }[] };
    expect(data.customers[0]!.customer.phone).toBe("+14155550123");

    const other = new TestShop(uniqueShop("cli-other"));
    await ensureShop(db, other.domain);
    const refused = await cli("data-exports", entry!.id, "--shop", other.domain);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/holds no data export/);
  });

  it("one shop's report never shows another shop's data", async () => {
    const a = await storeWithHistory();
    const b = new TestShop(uniqueShop("cli-other"));
    await b.deliver("customers/create", customerPayload({ updatedAt: b.clock.now() }));
    expect(await cli("explain", "--shop", b.domain, "--customer", String(a.customer.id))).toMatchObject({ code: 2 });
    const inbox = JSON.parse((await cli("inbox", "--shop", b.domain, "--json")).out);
    expect(inbox.counts).toEqual({ PROCESSED: 1 });
  });

  it("outbox and flows: what was sent by which flow, runs waiting, bodies only on request", async () => {
    const shop = new TestShop(uniqueShop("cli-flows"), new Date("2026-07-01T17:00:00Z"));
    const { id: shopId } = await ensureShop(db, shop.domain);
    await db.flow.update({ where: { shopId_key: { shopId, key: "abandoned-checkout" } }, data: { enabled: true } });
    const customer = customerPayload({
      updatedAt: shop.clock.now(),
      phone: "+14155550177",
      smsState: "subscribed",
      firstName: "Zoe",
    });
    await shop.abandonCheckout(customer);

    const outbox = JSON.parse((await cli("outbox", "--shop", shop.domain, "--json")).out);
    expect(outbox.counts).toEqual({ DELIVERED: 1 });
    expect(outbox.messages).toEqual([
      expect.objectContaining({ status: "DELIVERED", source: "flow:abandoned-checkout", to: "+1•••0177" }),
    ]);
    expect(outbox.messages[0].body).toBeUndefined();
    const withBodies = JSON.parse((await cli("outbox", "--shop", shop.domain, "--json", "--bodies")).out);
    expect(withBodies.messages[0].body).toContain("Zoe");

    const flows = JSON.parse((await cli("flows", "--shop", shop.domain, "--json")).out) as {
      key: string;
      enabled: boolean;
      waiting: number;
      sent: number;
    }[];
    expect(flows.find((f) => f.key === "abandoned-checkout")).toMatchObject({ enabled: true, waiting: 1, sent: 1 });
    expect(flows.find((f) => f.key === "welcome")).toMatchObject({ enabled: false, sent: 0 });
    expect((await cli("flows", "--shop", shop.domain)).out).toMatch(/abandoned-checkout\s+yes\s+1\s+1\s+0\s+0\s+1/);
  });

  it("use-twilio stores sealed credentials (token from the environment, never an argument); use-outbox goes back", async () => {
    const shop = new TestShop(uniqueShop("cli-twilio"));
    await ensureShop(db, shop.domain);
    const env = { APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"), TWILIO_AUTH_TOKEN: "z".repeat(32) };
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli({ db, argv, io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env });
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const sid = `AC${"9".repeat(32)}`;
    expect(
      await run("use-twilio", "--shop", shop.domain, "--account-sid", "ACnope", "--from", "+14155550100"),
    ).toMatchObject({ code: 2, err: expect.stringContaining("accountSid") });
    expect(
      await run("use-twilio", "--shop", shop.domain, "--account-sid", sid, "--from", "+14155550100"),
    ).toMatchObject({ code: 0 });
    const settings = await db.shopSettings.findFirstOrThrow({ where: { shop: { domain: shop.domain } } });
    expect(settings.provider).toBe("twilio");
    expect(settings.providerCredentialsEnc).not.toContain(env.TWILIO_AUTH_TOKEN);
    expect(await run("use-outbox", "--shop", shop.domain)).toMatchObject({ code: 0 });
    expect(await db.shopSettings.findFirstOrThrow({ where: { shop: { domain: shop.domain } } })).toMatchObject({
      provider: "outbox",
      providerCredentialsEnc: null,
    });
  });
});
