import { beforeAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { BODY_LIMITS } from "../../app/http/bounded-body.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { TwilioCredentials } from "../../app/sms/twilio.server";
import { action as ordersAction } from "../../app/routes/webhooks.orders";
import { action as twilioInbound } from "../../app/routes/twilio.inbound.$shop";
import { action as twilioStatus } from "../../app/routes/twilio.status.$messageId";
import { action as restockProxy } from "../../app/routes/proxy.restock";
import { action as loginAction } from "../../app/routes/auth.login/route";
import { MAX_WEBHOOK_BYTES } from "../../app/webhooks/ingest.server";
import { testProviders, uniqueShop } from "../support/app";
import { appProxyRequest } from "../support/app-proxy";
import { countingBody, streamedPost } from "../support/streams";
import { actionArgs, signedWebhook } from "../support/webhooks";

const MB = 1024 * 1024;
const appUrl = () => process.env.SHOPIFY_APP_URL!.replace(/\/$/, "");
const authToken = "t".repeat(32);
const shop = uniqueShop("bounded");
let shopId: string;
let messageId: string;

beforeAll(async () => {
  shopId = (await ensureShop(db, shop)).id;
  await testProviders.useTwilio(
    shopId,
    TwilioCredentials.parse({ accountSid: `AC${"c3".repeat(16)}`, authToken, from: "+14155550100" }),
  );
  messageId = (
    await db.message.create({
      data: { shopId, direction: "OUTBOUND", body: "Hi", status: "SENT", phone: "+14155550123" },
    })
  ).id;
});

/** A route answering before it pulled more than the limit plus one chunk of slack. */
const readAtMost = (limit: number) => limit + 2 * 64 * 1024;

describe("bodies are read with a byte counter and refused past the limit, before being buffered", () => {
  it("GIVEN a signed-looking webhook streamed in chunks without Content-Length (40 MB) WHEN posted THEN 413 after reading about 2 MB, nothing stored", async () => {
    const { stream, counter } = countingBody(40 * MB);
    const headers = Object.fromEntries(signedWebhook("orders/create", { id: 1 }, { shop, webhookId: "huge" }).headers);
    delete headers["content-length"];
    const response = await ordersAction(actionArgs(streamedPost(`${appUrl()}/webhooks/orders`, stream, headers)));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(readAtMost(MAX_WEBHOOK_BYTES));
    expect(await db.webhookInbox.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("GIVEN a webhook whose Content-Length declares 5 MB WHEN posted THEN 413 without reading the body", async () => {
    const { stream, counter } = countingBody(5 * MB);
    const headers = Object.fromEntries(signedWebhook("orders/create", { id: 2 }, { shop }).headers);
    headers["content-length"] = String(5 * MB);
    const response = await ordersAction(actionArgs(streamedPost(`${appUrl()}/webhooks/orders`, stream, headers)));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it("GIVEN an inbound Twilio callback streamed past 64 kB WHEN posted THEN 413 after at most the limit, no message stored", async () => {
    const before = await db.message.count({ where: { shopId } });
    const { stream, counter } = countingBody(20 * MB, 16 * 1024, "a");
    const request = streamedPost(`${appUrl()}/twilio/inbound/${shop}`, stream, {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": "bogus",
    });
    const response = await twilioInbound({ request, params: { shop }, context: {} });
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(readAtMost(BODY_LIMITS.twilio));
    expect(await db.message.count({ where: { shopId } })).toBe(before);
  });

  it("GIVEN a Twilio status callback streamed past 64 kB WHEN posted THEN 413, no delivery event", async () => {
    const { stream, counter } = countingBody(20 * MB, 16 * 1024, "a");
    const request = streamedPost(`${appUrl()}/twilio/status/${messageId}`, stream, {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": "bogus",
    });
    const response = await twilioStatus({ request, params: { messageId }, context: {} });
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(readAtMost(BODY_LIMITS.twilio));
    expect(await db.deliveryEvent.count({ where: { messageId } })).toBe(0);
  });

  it("GIVEN a correctly signed app-proxy sign-up with a 1 MB form WHEN posted THEN 413, nothing stored", async () => {
    const signed = appProxyRequest("/proxy/restock", shop, { phone: "+14155550123", variant_id: "1", consent: "on" });
    const { stream, counter } = countingBody(MB, 16 * 1024, "a");
    const request = streamedPost(signed.url, stream, { "Content-Type": "application/x-www-form-urlencoded" });
    const response = await restockProxy({ request, params: {}, context: {} });
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(readAtMost(BODY_LIMITS.appProxy));
    expect(await db.consentEvent.count({ where: { shopId } })).toBe(0);
  });
});

describe("the login form (/auth/login), which anyone can post", () => {
  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  it("GIVEN a post streamed past 4 kB WHEN posted THEN 413 after at most the limit, before the library parses it", async () => {
    const { stream, counter } = countingBody(20 * MB, 16 * 1024, "a");
    const response = await loginAction({
      request: streamedPost(`${appUrl()}/auth/login`, stream, form),
      params: {},
      context: {},
    });
    expect((response as Response).status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(readAtMost(BODY_LIMITS.login));
  });

  it("GIVEN a shop domain posted WHEN within the limit THEN the login goes on to Shopify's OAuth for that shop", async () => {
    const request = new Request(`${appUrl()}/auth/login`, {
      method: "POST",
      headers: form,
      body: new URLSearchParams({ shop: "bounded-login" }),
    });
    const thrown = await loginAction({ request, params: {}, context: {} }).catch((redirect: unknown) => redirect);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
    expect((thrown as Response).headers.get("Location")).toMatch(
      /admin\.shopify\.com\/store\/bounded-login\/oauth\/install/,
    );
  });
});

describe("a status callback for a shop without Twilio", () => {
  it("GIVEN the shop went back to the outbox WHEN Twilio calls back THEN 403 (not 500, which Twilio retries)", async () => {
    const other = (await ensureShop(db, uniqueShop("no-twilio"))).id;
    const message = await db.message.create({
      data: { shopId: other, direction: "OUTBOUND", body: "Hi", status: "SENT", phone: "+14155550124" },
    });
    const request = new Request(`${appUrl()}/twilio/status/${message.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x" },
      body: "MessageStatus=delivered",
    });
    const response = await twilioStatus({ request, params: { messageId: message.id }, context: {} });
    expect(response.status).toBe(403);
  });

  it("GIVEN an unknown message id WHEN Twilio calls back THEN 404", async () => {
    const request = new Request(`${appUrl()}/twilio/status/nope`, { method: "POST", body: "MessageStatus=sent" });
    expect((await twilioStatus({ request, params: { messageId: "nope" }, context: {} })).status).toBe(404);
  });
});
