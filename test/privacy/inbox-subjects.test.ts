import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { inboxSubjectKeys, shopperSubjectKeys } from "../../app/privacy/inbox-subjects";
import { parseShopifyJson } from "../../app/webhooks/json";

// Who a stored webhook body names, read from Shopify's own published samples
// (test/fixtures/shopify/webhooks/, sources in its SOURCES.md).
const sample = (name: string) =>
  parseShopifyJson(readFileSync(new URL(`../fixtures/shopify/webhooks/${name}.json`, import.meta.url), "utf8"));

describe("inbox subject keys", () => {
  it("a customers_marketing_consent/update body is found by its customer id, all 64 bits of it", () => {
    const keys = inboxSubjectKeys("customers_marketing_consent/update", sample("customers_marketing_consent-update"));
    expect(keys).toContain("customer:706405506930370084");
  });

  it("a checkout body is found by its customer id, e-mails and every address's number", () => {
    const keys = inboxSubjectKeys("checkouts/create", sample("checkouts-create"));
    for (const who of [
      { customerIds: ["603851970716743426"], emails: [], phones: [] },
      { customerIds: [], emails: ["John@Example.com"], phones: [] },
      { customerIds: [], emails: ["example@email.com"], phones: [] },
      { customerIds: [], emails: [], phones: ["123-123-1234"] },
    ])
      expect(keys).toEqual(expect.arrayContaining(shopperSubjectKeys(who)));
  });

  it("a number written nationally in a body is found from its E.164 form, and the index holds no clear value", () => {
    const keys = inboxSubjectKeys("checkouts/create", { token: "t", phone: "(613) 555-0135", email: "a@b.example" });
    const fromE164 = shopperSubjectKeys({ customerIds: [], emails: [], phones: ["+16135550135"] });
    expect(fromE164.some((k) => keys.includes(k))).toBe(true);
    expect(keys.join(" ")).not.toMatch(/6135550135|a@b\.example/);
  });
});
