import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { API_KEY, API_SECRET_KEY, getJwt } from "@shopify/shopify-api/test-helpers";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { TwilioCredentials } from "../../app/sms/twilio.server";
import { action as twilioInbound } from "../../app/routes/twilio.inbound.$shop";
import { action as twilioStatus } from "../../app/routes/twilio.status.$messageId";
import { action as restockProxy } from "../../app/routes/proxy.restock";
import { action as subscribeProxy, loader as subscribeTerms } from "../../app/routes/proxy.subscribe";
import { action as loginAction } from "../../app/routes/auth.login/route";
import { importContacts } from "../../app/consent/import.server";
import { CLICKS_PER_CODE_PER_MINUTE } from "../../app/tracking/links.server";
import { parse } from "csv-parse/sync";
import { withinRateLimit } from "../../app/http/rate-limit.server";
import { STOREFRONT_LIMITS } from "../../app/http/storefront-limits.server";
import { loader as exportLoader } from "../../app/routes/app.consent.export";
import { loader as linkLoader } from "../../app/routes/l.$code";
import { AdminClient } from "../support/admin-pages";
import { loader as adminApp } from "../../app/routes/app";
import { MAX_WEBHOOK_BYTES } from "../../app/webhooks/ingest.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { appProxyRequest } from "../support/app-proxy";
import { customerPayload, orderPayload, productPayload } from "../support/fixtures";
import { startWebhookServer } from "../support/routes";
import { twilioCallback } from "../support/twilio-server";
import { signedWebhook } from "../support/webhooks";
import { countingBody, streamedPost } from "../support/streams";

const accountSid = `AC${"b7".repeat(16)}`;
const authToken = "t".repeat(32);
const appUrl = () => process.env.SHOPIFY_APP_URL!.replace(/\/$/, "");
let server: Awaited<ReturnType<typeof startWebhookServer>>;
let shop: TestShop;
let shopId: string;
let messageId: string;
const customer = customerPayload({
  id: 5551001,
  updatedAt: new Date(Date.now() - DAY),
  smsState: "subscribed",
  phone: "+14155550177",
  firstName: "Rosalind",
  lastName: "Quartermaine",
});

beforeAll(async () => {
  server = await startWebhookServer();
  shop = new TestShop(uniqueShop("bad-input"));
  shopId = (await ensureShop(db, shop.domain)).id;
  await testProviders.useTwilio(
    shopId,
    TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: "http://127.0.0.1:9" }),
  );
  await shop.deliver("customers/create", customer);
  // Sold out: the storefront sign-up case waits for it.
  await shop.deliver(
    "products/create",
    productPayload({
      id: 88000,
      variantId: 88001,
      inventoryItemId: 88002,
      quantity: 0,
      updatedAt: new Date(Date.now() - DAY),
    }),
  );
  const c = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(customer.id) } });
  messageId = (
    await scheduleMessage(shop.deps, {
      shopId,
      customerId: c.id,
      body: "Hello",
      purpose: "marketing",
      idempotencyKey: "bad-input",
      dueAt: new Date(Date.now() + DAY),
    })
  ).id;
});
afterAll(() => server.close());

/** Rows of every table a request could write to. */
async function rowCounts() {
  const [inbox, received, messages, customers, consent, watches, deliveries, jobs, clicks, requests] =
    await Promise.all([
      db.webhookInbox.count(),
      db.webhookInbox.count({ where: { status: { not: "REJECTED" } } }),
      db.message.count(),
      db.customer.count(),
      db.consentEvent.count(),
      db.restockWatch.count(),
      db.deliveryEvent.count(),
      db.job.count(),
      db.click.count(),
      db.consentRequest.count(),
    ]);
  return { inbox, received, messages, customers, consent, watches, deliveries, jobs, clicks, requests };
}

/** As Remix serves it: a Response thrown by authentication is the answer. */
const answer = (p: Promise<Response>) =>
  p.catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
/** Every cell of an exported CSV that a spreadsheet would run as a formula (none may be left). */
const formulaCells = (csv: string) =>
  (parse(csv, { relax_quotes: true }) as string[][]).flat().filter((cell) => /^[=+\-@\t\r]/.test(cell));
/** The consent export as the merchant downloads it. */
const exportCsv = async () =>
  (await exportLoader(routeArgs(await new AdminClient(shop.domain).request("/app/consent/export")))) as Response;

const post = (path: string, body: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, { method: "POST", body, headers });
const webhookHeaders = (body: string, o: { secret?: string; topic?: string } = {}) =>
  Object.fromEntries(
    signedWebhook(o.topic ?? "orders/create", undefined, { shop: shop.domain, rawBody: body, secret: o.secret })
      .headers,
  );
const routeArgs = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const order = () => JSON.stringify(orderPayload({ id: 8800001, customer, at: new Date() }));

/** The admin's /app loader: data means it let the request in (answered 200 here), a thrown Response is the refusal. */
const adminRequest = (token: string) =>
  answer(
    adminApp(
      routeArgs(new Request(`${appUrl()}/app?shop=${shop.domain}`, { headers: { Authorization: `Bearer ${token}` } })),
    ).then(() => new Response("let in")),
  );

const cases: {
  name: string;
  status: number[];
  send: () => Promise<Response>;
  reason?: RegExp;
  inboxRejectedRow?: boolean;
  /** Input that is kept (neutralised, nothing lost): the rows it adds. */
  adds?: Partial<Awaited<ReturnType<typeof rowCounts>>>;
}[] = [
  {
    name: "webhook with a wrong HMAC",
    status: [401],
    send: () => post("/webhooks/orders", order(), webhookHeaders(order(), { secret: "not-the-app-secret" })),
  },
  {
    name: "webhook without its HMAC header",
    status: [400, 401],
    send: () => {
      const { "x-shopify-hmac-sha256": _dropped, ...headers } = webhookHeaders(order());
      return post("/webhooks/orders", order(), headers);
    },
  },
  {
    name: "webhook without topic and shop headers",
    status: [400, 401],
    send: () => {
      const { "x-shopify-topic": _t, "x-shopify-shop-domain": _s, ...headers } = webhookHeaders(order());
      return post("/webhooks/orders", order(), headers);
    },
  },
  // Signed correctly, so it really came from Shopify: kept as a REJECTED inbox row for inspection, never processed.
  {
    name: "webhook with malformed JSON",
    status: [400],
    reason: /malformed JSON/,
    inboxRejectedRow: true,
    send: () =>
      post("/webhooks/orders", '{"id": 8800002, "customer": {', webhookHeaders('{"id": 8800002, "customer": {')),
  },
  {
    name: "webhook with a 5 MB body",
    status: [413],
    reason: /too large/,
    send: () => {
      const body = JSON.stringify({ id: 8800003, note: "x".repeat(5 * 1024 * 1024) });
      expect(body.length).toBeGreaterThan(MAX_WEBHOOK_BYTES);
      return post("/webhooks/orders", body, webhookHeaders(body));
    },
  },
  {
    name: "webhook streamed in chunks (no Content-Length) past 2 MB, 40 MB offered",
    status: [413],
    reason: /too large/,
    send: async () => {
      const { stream, counter } = countingBody(40 * 1024 * 1024);
      const { "content-length": _declared, ...headers } = webhookHeaders(order());
      const response = await fetch(`${server.url}/webhooks/orders`, {
        method: "POST",
        body: stream,
        headers,
        duplex: "half",
      } as RequestInit);
      // What the client managed to push: the 2 MB read plus what the sockets buffered, not 40 MB.
      expect(counter.pulled).toBeLessThan(10 * 1024 * 1024);
      return response;
    },
  },
  {
    name: "Twilio inbound with a 1 MB body",
    status: [413],
    reason: /too large/,
    send: () => {
      const url = `${appUrl()}/twilio/inbound/${shop.domain}`;
      const big = { From: customer.phone!, Body: "x".repeat(1024 * 1024), MessageSid: `SM${"4".repeat(32)}` };
      return twilioInbound(routeArgs(twilioCallback(url, authToken, big), { shop: shop.domain }));
    },
  },
  {
    name: "Twilio inbound for an unknown shop",
    status: [404],
    send: () => {
      const url = `${appUrl()}/twilio/inbound/no-such-shop.myshopify.com`;
      return twilioInbound(
        routeArgs(
          twilioCallback(url, authToken, { From: customer.phone!, Body: "STOP", MessageSid: `SM${"1".repeat(32)}` }),
          { shop: "no-such-shop.myshopify.com" },
        ),
      );
    },
  },
  {
    name: "Twilio inbound STOP with a forged signature",
    status: [403],
    send: () => {
      const url = `${appUrl()}/twilio/inbound/${shop.domain}`;
      return twilioInbound(
        routeArgs(
          twilioCallback(url, "forged-token-forged-token-forged", {
            From: customer.phone!,
            Body: "STOP",
            MessageSid: `SM${"2".repeat(32)}`,
          }),
          { shop: shop.domain },
        ),
      );
    },
  },
  {
    name: "Twilio status callback with a forged signature",
    status: [403],
    send: () =>
      twilioStatus(
        routeArgs(
          twilioCallback(`${appUrl()}/twilio/status/${messageId}`, "forged-token-forged-token-forged", {
            MessageSid: `SM${"3".repeat(32)}`,
            MessageStatus: "delivered",
          }),
          { messageId },
        ),
      ),
  },
  {
    name: "app proxy sign-up with a forged signature",
    status: [400, 401],
    send: () =>
      answer(
        restockProxy(
          routeArgs(
            appProxyRequest(
              "/proxy/restock",
              shop.domain,
              { phone: customer.phone!, variant_id: "1", consent: "on" },
              { secret: "not-the-app-secret" },
            ),
          ),
        ),
      ),
  },
  {
    name: "app proxy sign-up for an unknown shop",
    status: [404],
    send: () =>
      answer(
        restockProxy(
          routeArgs(
            appProxyRequest("/proxy/restock", "no-such-shop.myshopify.com", {
              phone: customer.phone!,
              variant_id: "1",
              consent: "on",
            }),
          ),
        ),
      ),
  },
  {
    name: "app proxy sign-up for a number past its hourly limit",
    status: [429],
    reason: /too many sign-ups/,
    send: async () => {
      const now = new Date();
      // Three earlier sign-ups for this number this hour (the counters only, as the route keeps them).
      for (let i = 0; i < STOREFRONT_LIMITS.perNumber.limit; i++)
        await withinRateLimit(db, { rule: STOREFRONT_LIMITS.perNumber, shopId, subject: "+14155550177", now });
      return restockProxy(
        routeArgs(
          appProxyRequest("/proxy/restock", shop.domain, { variantId: "88001", phone: "+14155550177", consent: "yes" }),
        ),
      );
    },
  },
  {
    name: "app proxy marketing sign-up from an address past its hourly limit",
    status: [429],
    reason: /too many sign-ups/,
    send: async () => {
      const now = new Date();
      for (let i = 0; i < STOREFRONT_LIMITS.perIp.limit; i++)
        await withinRateLimit(db, { rule: STOREFRONT_LIMITS.perIp, shopId, subject: "198.51.100.77", now });
      const request = appProxyRequest("/proxy/subscribe", shop.domain, { phone: "+14155550178", consent: "yes" });
      request.headers.set("x-forwarded-for", "198.51.100.77");
      return answer(subscribeProxy(routeArgs(request)));
    },
  },
  // Kept, not refused: the shopper's sign-up stands, but the wording recorded (and exported) is
  // the server's, never the posted one.
  {
    name: "storefront sign-up posting its own consent wording (a spreadsheet formula), then exported",
    status: [200],
    reason: /By signing up, you agree to receive a text from [^\n]* when this item is back in stock/,
    adds: { customers: 1, consent: 1, watches: 1 },
    send: async () => {
      const wording = "-2+3+cmd|' /C calc'!A0 Text me when it is back";
      const signup = await restockProxy(
        routeArgs(
          appProxyRequest("/proxy/restock", shop.domain, {
            variantId: "88001",
            phone: "+14155550188",
            consent: "yes",
            wording,
          }),
        ),
      );
      expect(signup.status).toBe(200);
      const csv = await (await exportCsv()).text();
      // The sign-up's number is exported as text ('+1…), never as a formula or a rounded number
      expect(csv).toContain("'+14155550188");
      expect(formulaCells(csv)).toEqual([]);
      return new Response(csv);
    },
  },
  // Kept, neutralised: the merchant's list names its wording as a formula; the facts are imported
  // with it, and the export shows it as text.
  {
    name: "consent list imported with a spreadsheet formula as its wording, then exported",
    status: [200],
    reason: /'=HYPERLINK\(""https:\/\/evil\.example"",""Reply STOP to opt out""\)/,
    adds: { customers: 1, consent: 1 },
    send: async () => {
      const wording = '=HYPERLINK("https://evil.example","Reply STOP to opt out")';
      const imported = await importContacts({
        db,
        shopId,
        csv: `Phone,Opted in,Opt-in date\n+14155550189,yes,2026-05-01\n`,
        options: { mapping: { phone: "Phone", consent: "Opted in", consentAt: "Opt-in date" }, wording },
        now: new Date(),
      });
      expect(imported).toMatchObject({ imported: 1 });
      const csv = await (await exportCsv()).text();
      expect(formulaCells(csv)).toEqual([]);
      return new Response(csv);
    },
  },
  {
    name: "link preview agent and HEAD on a tracked link",
    status: [302],
    send: async () => {
      const link = await db.trackedLink.create({
        data: { shopId, code: "PrEvIeW1", url: "https://shop.example/sale", messageId },
      });
      const preview = (init: RequestInit) =>
        linkLoader(
          routeArgs(new Request(`${appUrl()}/l/${link.code}`, init), { code: link.code }),
        ) as Promise<Response>;
      expect((await preview({ method: "HEAD" })).status).toBe(302);
      return preview({ headers: { "User-Agent": "WhatsApp/2.23.20.0 A" } });
    },
  },
  {
    name: "one tracked link opened 20 times at once (a bot fanning out)",
    status: [302],
    adds: { clicks: CLICKS_PER_CODE_PER_MINUTE },
    send: async () => {
      const link = await db.trackedLink.create({
        data: { shopId, code: "BuRsT001", url: "https://shop.example/sale", messageId },
      });
      const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
      const open = () =>
        linkLoader(
          routeArgs(new Request(`${appUrl()}/l/${link.code}`, { headers: { "User-Agent": iphone } }), {
            code: link.code,
          }),
        ) as Promise<Response>;
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() }); // the limit counts per clock minute
      try {
        const responses = await Promise.all(Array.from({ length: 20 }, open));
        expect(new Set(responses.map((r) => r.status))).toEqual(new Set([302]));
        return responses[0]!;
      } finally {
        vi.useRealTimers();
      }
    },
  },
  {
    name: "login form streamed in chunks past 4 kB, 20 MB offered",
    status: [413],
    reason: /too large/,
    send: async () => {
      const { stream, counter } = countingBody(20 * 1024 * 1024, 16 * 1024, "a");
      const request = streamedPost(`${appUrl()}/auth/login`, stream, {
        "Content-Type": "application/x-www-form-urlencoded",
      });
      const response = (await loginAction(routeArgs(request))) as Response;
      expect(counter.pulled).toBeLessThan(256 * 1024);
      return response;
    },
  },
  {
    name: "app proxy sign-up terms read from an address past its hourly limit",
    status: [429],
    send: async () => {
      const now = new Date();
      for (let i = 0; i < STOREFRONT_LIMITS.readsPerIp.limit; i++)
        await withinRateLimit(db, { rule: STOREFRONT_LIMITS.readsPerIp, shopId, subject: "198.51.100.78", now });
      const request = appProxyRequest("/proxy/subscribe", shop.domain, {}, { method: "GET" });
      request.headers.set("x-forwarded-for", "198.51.100.78");
      return answer(subscribeTerms(routeArgs(request)) as Promise<Response>);
    },
  },
  {
    name: "admin request with a session token signed by someone else",
    status: [401, 302],
    send: async () => {
      const { token } = await getJwt(shop.domain, API_KEY, "not-the-app-secret");
      return adminRequest(token);
    },
  },
  {
    name: "admin request with a session token for another app",
    status: [401, 302],
    send: async () => {
      const { token } = await getJwt(shop.domain, "another-apps-key", API_SECRET_KEY);
      return adminRequest(token);
    },
  },
];

describe("bad input is refused with the right status and writes nothing", () => {
  const observed: string[] = [];
  it.each(cases)("$name", async ({ name, status, send, reason, inboxRejectedRow, adds }) => {
    const before = await rowCounts();
    const response = await send();
    observed.push(`${response.status} ${name}`);
    expect(status).toContain(response.status);
    if (reason) expect(await response.text()).toMatch(reason);
    const after = await rowCounts();
    const expected = { ...before, inbox: before.inbox + (inboxRejectedRow ? 1 : 0) };
    for (const [table, n] of Object.entries(adds ?? {})) expected[table as keyof typeof expected] += n;
    expect(after).toEqual(expected);
  });

  it("prints the table", () => {
    console.log(
      `faults: ${cases.length} kinds of bad input (forged HMAC / Twilio / app-proxy / session-token signatures, missing headers, malformed JSON, 5 MB and chunked 40 MB bodies, a 1 MB Twilio body, unknown shops, storefront sign-ups and terms reads past their rate limits, a 20 MB login form: refused, 0 rows written; a posted consent wording: ignored, the server's recorded; formula cells: exported as text; link previews: redirected, not counted; a burst on one link: at most the limit counted)\n  ${observed.join("\n  ")}`,
    );
  });
});
