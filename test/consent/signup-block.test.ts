import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { recordDisclosureVersion } from "../../app/consent/disclosure.server";
import { handleInbound } from "../../app/messaging/inbound.server";
import { action as subscribe, loader as terms } from "../../app/routes/proxy.subscribe";
import { withinRateLimit } from "../../app/http/rate-limit.server";
import { STOREFRONT_LIMITS } from "../../app/http/storefront-limits.server";
import { TestShop, uniqueShop } from "../support/app";
import { appProxyRequest } from "../support/app-proxy";

// The theme block "SMS sign-up" (extensions/restock-signup/blocks/sms-signup.liquid) shows the
// words the server records: it reads them from GET /apps/sms/subscribe and posts back the
// version it showed (docs/COMPLIANCE.md C9, C12).

const BLOCK = "extensions/restock-signup/blocks/sms-signup.liquid";
const TERMS =
  "By signing up, you agree to receive recurring automated marketing texts from Northbean (up to 4 msgs/month). Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to opt out, HELP for help.";
const NEWER = TERMS.replace("up to 4 msgs/month", "up to 6 msgs/month");

async function shopWithTerms(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date(Date.now() + MINUTE));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.shop.update({ where: { id: shopId }, data: { name: "Northbean" } });
  await recordDisclosureVersion({ db, shopId, text: TERMS, publishedAt: new Date(Date.now() - DAY) });
  return { shop, shopId };
}

const unthrow = (thrown: unknown) => {
  if (thrown instanceof Response) return thrown;
  throw thrown;
};
const read = (domain: string, ip?: string) => {
  const request = appProxyRequest("/proxy/subscribe", domain, {}, { method: "GET" });
  if (ip) request.headers.set("x-forwarded-for", ip);
  return terms({ request, params: {}, context: {} }).catch(unthrow);
};
const post = (domain: string, form: Record<string, string>) =>
  subscribe({ request: appProxyRequest("/proxy/subscribe", domain, form), params: {}, context: {} }).catch(unthrow);

describe("the SMS sign-up block", () => {
  it("GIVEN published terms WHEN the block asks for its words THEN it gets them, and a sign-up with that version records exactly them", async () => {
    const { shop, shopId } = await shopWithTerms("block-terms");

    // WHEN the block loads
    const response = await read(shop.domain);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const shown = (await response.json()) as { wording: string; version: string };
    // THEN it shows the published terms, every element the rules require
    expect(shown.wording).toBe(TERMS);

    // AND a sign-up naming that version, confirmed by Y, records the words shown
    expect(
      (await post(shop.domain, { phone: "+14155550191", consent: "yes", disclosureVersion: shown.version })).status,
    ).toBe(200);
    await handleInbound(shop.deps, shopId, { from: "+14155550191", body: "Y", providerMessageId: "SMblockterms" });
    const fact = await db.consentEvent.findFirstOrThrow({
      where: { shopId, phone: "+14155550191", scope: "marketing" },
    });
    expect(fact).toMatchObject({ state: "SUBSCRIBED", source: "STOREFRONT_FORM", wording: shown.wording });
  });

  it("GIVEN terms published after the page loaded WHEN the shopper signs up to the older ones THEN 409 and nothing is written", async () => {
    const { shop, shopId } = await shopWithTerms("block-stale");
    const shown = (await (await read(shop.domain)).json()) as { version: string };
    await recordDisclosureVersion({ db, shopId, text: NEWER, publishedAt: new Date(Date.now() - HOUR) });

    const response = await post(shop.domain, {
      phone: "+14155550192",
      consent: "yes",
      disclosureVersion: shown.version,
    });

    expect(response.status).toBe(409);
    expect((await response.json()).error).toMatch(/terms changed/);
    expect(await db.consentRequest.count({ where: { shopId } })).toBe(0);
    // AND the block, reloaded, shows the new terms
    expect(((await (await read(shop.domain)).json()) as { wording: string }).wording).toBe(NEWER);
  });

  it("GIVEN no published terms, or a shop without the app, WHEN the block asks THEN it gets no words (409, 404) and stays hidden", async () => {
    const bare = new TestShop(uniqueShop("block-noterms"));
    await ensureShop(db, bare.domain);
    expect((await read(bare.domain)).status).toBe(409);
    expect((await read(uniqueShop("block-nobody"))).status).toBe(404);
    // A forged signature is refused before anything is read
    const forged = appProxyRequest("/proxy/subscribe", bare.domain, {}, { method: "GET", secret: "not-the-secret" });
    expect((await terms({ request: forged, params: {}, context: {} }).catch(unthrow)).status).toBe(400);
  });

  it("GIVEN one address reading the terms in a loop WHEN past its hourly budget THEN 429 (the block stays hidden), other addresses and its posts unaffected", async () => {
    const { shop, shopId } = await shopWithTerms("block-read-limit");
    const { readsPerIp } = STOREFRONT_LIMITS;
    // GIVEN the address has used all but one of its reads this hour (the counters, as the route keeps them)
    for (let i = 0; i < readsPerIp.limit - 1; i++)
      await withinRateLimit(db, { rule: readsPerIp, shopId, subject: "203.0.113.9", now: new Date() });

    // WHEN it reads twice more THEN the last read of the budget is answered, the next one is not
    expect((await read(shop.domain, "203.0.113.9")).status).toBe(200);
    const refused = await read(shop.domain, "203.0.113.9");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("3600");
    // AND another address still reads, and the looping address may still post a sign-up
    expect((await read(shop.domain, "203.0.113.10")).status).toBe(200);
    const version = ((await (await read(shop.domain)).json()) as { version: string }).version;
    const request = appProxyRequest("/proxy/subscribe", shop.domain, {
      phone: "+14155550193",
      consent: "yes",
      disclosureVersion: version,
    });
    request.headers.set("x-forwarded-for", "203.0.113.9");
    expect((await subscribe({ request, params: {}, context: {} }).catch(unthrow)).status).toBe(200);
  });

  it("the block has no consent words of its own: it shows the route's, posts their version and no wording", () => {
    const block = readFileSync(BLOCK, "utf8");
    const markup = block.replace(/\{%-? comment -?%\}[\s\S]*?\{%-? endcomment -?%\}/, "");
    expect(markup).toContain('action="/apps/sms/subscribe"');
    expect(markup).toContain("wording.textContent = terms.wording");
    expect(markup).toContain('name="disclosureVersion"');
    expect(markup).toMatch(/root\.hidden = false/); // shown only once the terms arrived
    expect(markup).not.toMatch(/name="wording"/);
    for (const words of [/rates may apply/i, /STOP/, /HELP/, /condition of purchase/i])
      expect(markup).not.toMatch(words);
  });
});
