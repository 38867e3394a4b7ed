import { describe, expect, it } from "vitest";
import {
  checkoutPayload,
  customerPayload,
  embeddedCustomer,
  inventoryLevelPayload,
  marketingConsentPayload,
} from "../../dev/simulator/shopify-payloads";
import { parseShopifyJson } from "../../app/webhooks/json";
import { sampleText } from "../support/shopify-fixtures";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const kind = (v: Json) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Every difference between a builder's output and Shopify's sample: a key one has and the
 * other lacks, or a differing JSON type. `null` on either side matches any type (Shopify's
 * samples use null for "no value here", the builders fill values in). Arrays are compared
 * by their first elements.
 */
function differences(sample: Json, built: Json, at = "$"): string[] {
  if (sample === null || built === null) return [];
  if (kind(sample) !== kind(built)) return [`${at}: sample ${kind(sample)}, builder ${kind(built)}`];
  if (Array.isArray(sample) && Array.isArray(built)) {
    return sample.length && built.length ? differences(sample[0]!, built[0]!, `${at}[0]`) : [];
  }
  if (typeof sample !== "object" || typeof built !== "object" || Array.isArray(built) || Array.isArray(sample))
    return [];
  const out: string[] = [];
  for (const key of Object.keys(sample)) {
    if (!(key in built)) out.push(`${at}.${key}: in the sample, not built`);
    else out.push(...differences(sample[key]!, built[key]!, `${at}.${key}`));
  }
  for (const key of Object.keys(built)) if (!(key in sample)) out.push(`${at}.${key}: built, not in the sample`);
  return out;
}

// JSON types as written in the sample (a 64-bit id is a JSON number, whatever a parser makes of it).
const sample = (topic: string) => JSON.parse(sampleText(topic)) as Json;
const built = (payload: unknown) => JSON.parse(JSON.stringify(payload)) as Json;
const at = new Date("2026-11-20T15:00:00Z");
const customer = customerPayload({ id: 7001, updatedAt: at });

describe("the simulator's payload builders against Shopify's published samples", () => {
  it.each([
    ["customers/create", () => customer],
    ["customers/update", () => customer],
    ["checkouts/create", () => checkoutPayload({ customer, updatedAt: at, smsMarketingPhone: "+14155550123" })],
    ["checkouts/update", () => checkoutPayload({ customer, updatedAt: at, completedAt: at })],
    [
      "customers_marketing_consent/update",
      () => marketingConsentPayload({ customerId: 7001, phone: "+14155550123", state: "subscribed", at }),
    ],
    [
      "inventory_levels/update",
      () => inventoryLevelPayload({ inventoryItemId: 1, locationId: 2, available: 3, updatedAt: at }),
    ],
  ])("GIVEN Shopify's %s sample WHEN the builder runs THEN fields and JSON types match both ways", (topic, build) => {
    expect(differences(sample(topic), built(build()))).toEqual([]);
  });

  it("GIVEN a checkout's embedded customer THEN it is the customer object without `addresses`, as in the sample", () => {
    const embedded = (sample("checkouts/create") as { customer: Json }).customer;
    expect(differences(embedded, built(embeddedCustomer(customer)))).toEqual([]);
  });

  it("GIVEN the legacy consent shorthand THEN only it adds a field the current samples lack", () => {
    const legacy = customerPayload({ id: 7002, updatedAt: at, smsState: "subscribed" });
    expect(differences(sample("customers/create"), built(legacy))).toEqual([
      "$.sms_marketing_consent: built, not in the sample",
    ]);
  });

  it("GIVEN a sample with ids beyond 2^53 WHEN parsed as the processor does THEN no digit is lost", () => {
    const parsed = parseShopifyJson(sampleText("customers/create")) as { id: string; default_address: { id: number } };
    expect(parsed.id).toBe("706405506930370084");
    expect(parsed.default_address.id).toBe(12321);
    // What JSON.parse alone would have made of it:
    expect(String((JSON.parse(sampleText("customers/create")) as { id: number }).id)).not.toBe("706405506930370084");
  });
});
