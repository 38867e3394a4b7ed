import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TwilioCredentials, TwilioProvider } from "../../app/sms/twilio.server";
import { ProviderError } from "../../app/sms/provider";
import { OutboxProvider } from "../../app/sms/outbox.server";
import { isValidTwilioSignature, twilioSignature } from "../../app/sms/twilio-signature";
import { startTwilioServer, twilioCallback, twilioError } from "../support/twilio-server";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { ProviderRegistry } from "../../app/sms/registry.server";
import { SecretBox } from "../../app/security/secrets.server";
import { uniqueShop } from "../support/app";

const accountSid = `AC${"a1".repeat(16)}`;
const authToken = "f".repeat(32);
const otherAccountSid = `AC${"c3".repeat(16)}`;
let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
let provider: TwilioProvider;

beforeAll(async () => {
  twilio = await startTwilioServer({ [accountSid]: authToken, [otherAccountSid]: authToken });
  provider = new TwilioProvider(
    TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url }),
  );
});
afterAll(() => twilio.close());

const sms = {
  to: "+14155550123",
  body: "Your cart is waiting",
  messageId: "msg_1",
  statusCallbackUrl: "https://app.example/twilio/status?m=msg_1",
};

describe("Twilio-protocol adapter (against a local Twilio-protocol server)", () => {
  it("sends with basic auth and form fields and returns Twilio's message sid", async () => {
    const accepted = await provider.send(sms);
    expect(accepted.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(accepted.status).toBe("queued");
    expect(twilio.received.at(-1)?.params).toEqual({
      To: sms.to,
      From: "+14155550100",
      Body: sms.body,
      StatusCallback: sms.statusCallbackUrl,
    });
  });

  it("uses a Messaging Service when configured", async () => {
    const viaService = new TwilioProvider(
      TwilioCredentials.parse({
        accountSid,
        authToken,
        messagingServiceSid: `MG${"b2".repeat(16)}`,
        baseUrl: twilio.url,
      }),
    );
    await viaService.send(sms);
    expect(twilio.received.at(-1)?.params).toMatchObject({ MessagingServiceSid: `MG${"b2".repeat(16)}` });
    expect(twilio.received.at(-1)?.params.From).toBeUndefined();
  });

  it.each([
    [twilioError(429, 20429, "Too Many Requests", { "Retry-After": "3" }), "retryable", "rate_limited"],
    [twilioError(503, 20503, "Service Unavailable"), "retryable", "unavailable"],
    [twilioError(400, 21610, "Attempt to send to unsubscribed recipient"), "permanent", "opted_out"],
    [twilioError(400, 21211, "The 'To' number is not a valid phone number."), "permanent", "invalid_number"],
    [twilioError(400, 21408, "Permission to send an SMS has not been enabled for the region"), "permanent", "rejected"],
  ] as const)("classifies Twilio's error %#: %s / %s", async (response, kind, reason) => {
    twilio.failNext(response);
    const error = await provider.send(sms).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, reason, providerCode: response.body.code });
    if (reason === "rate_limited") expect((error as ProviderError).retryAfter).toBe(3);
  });

  it("GIVEN Twilio's error text quoting the recipient WHEN classified THEN the stored message masks the number", async () => {
    twilio.failNext(twilioError(400, 21211, `The 'To' number ${sms.to} is not a valid phone number.`));
    const error = (await provider.send(sms).catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toBe("twilio 400 (21211): The 'To' number +1•••0123 is not a valid phone number.");
  });

  it("wrong credentials are a permanent auth failure; an unreachable server is retryable", async () => {
    const wrong = new TwilioProvider(
      TwilioCredentials.parse({ accountSid, authToken: "0".repeat(32), from: "+14155550100", baseUrl: twilio.url }),
    );
    await expect(wrong.send(sms)).rejects.toMatchObject({ kind: "permanent", reason: "auth" });
    const down = new TwilioProvider(
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: "http://127.0.0.1:9" }),
    );
    await expect(down.send(sms)).rejects.toMatchObject({ kind: "retryable", reason: "unavailable" });
  });

  it("rejects credentials that cannot work, naming the field", () => {
    const result = TwilioCredentials.safeParse({ accountSid: "nope", authToken, baseUrl: twilio.url });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join(" ")).toMatch(/Account SID/);
  });
});

describe("a shop's provider (ProviderRegistry)", () => {
  it("GIVEN a shop that sent with its Twilio credentials WHEN they are replaced THEN its next provider sends with the new ones", async () => {
    const registry = new ProviderRegistry(db, new SecretBox(Buffer.alloc(32, 7).toString("base64")));
    const shop = await ensureShop(db, uniqueShop("replaced-credentials"));
    const useAccount = (sid: string) =>
      registry.useTwilio(
        shop.id,
        TwilioCredentials.parse({ accountSid: sid, authToken, from: "+14155550100", baseUrl: twilio.url }),
      );
    await useAccount(accountSid);
    await (await registry.forShop(shop.id)).send(sms);
    await (await registry.forShop(shop.id)).send(sms);
    await useAccount(otherAccountSid);
    await (await registry.forShop(shop.id)).send(sms);
    expect(twilio.received.slice(-3).map((m) => m.accountSid)).toEqual([accountSid, accountSid, otherAccountSid]);
  });
});

describe("Twilio request signatures", () => {
  // The example from Twilio's security documentation.
  it("matches Twilio's documented example", () => {
    const params = {
      CallSid: "CA1234567890ABCDE",
      Caller: "+12349013030",
      Digits: "1234",
      From: "+12349013030",
      To: "+18005551212",
    };
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
      "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    );
  });

  it("validates a signed callback and refuses a changed one", async () => {
    const url = "https://app.example/twilio/status";
    const params = { MessageSid: "SM1", MessageStatus: "delivered", AccountSid: accountSid };
    const request = twilioCallback(url, authToken, params);
    const signature = request.headers.get("X-Twilio-Signature");
    expect(isValidTwilioSignature({ authToken, url, params, signature })).toBe(true);
    expect(isValidTwilioSignature({ authToken, url, params: { ...params, MessageStatus: "failed" }, signature })).toBe(
      false,
    );
    expect(isValidTwilioSignature({ authToken: "another-token-entirely", url, params, signature })).toBe(false);
    expect(isValidTwilioSignature({ authToken, url, params, signature: null })).toBe(false);
  });
});

describe("outbox provider (embedded default)", () => {
  it("keeps what it was asked to send and never leaves the machine", async () => {
    const outbox = new OutboxProvider();
    const accepted = await outbox.send(sms);
    expect(accepted.providerMessageId).toMatch(/^OB/);
    expect(outbox.sent).toEqual([expect.objectContaining({ to: sms.to, body: sms.body, messageId: "msg_1" })]);
  });
});
