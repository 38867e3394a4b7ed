import type { Db } from "../db.server";
import { normalisePhone } from "../contacts/phone";
import { findOrCreateContact } from "../contacts/local-contacts.server";
import { noteConsentChange, type Provenance } from "./customers.server";
import type { CheckoutPayload, MarketingConsentPayload } from "../shopify-payloads";
import { log } from "../observability/log.server";
import { disclosureInForce } from "../consent/disclosure.server";
import { createHash } from "node:crypto";
import { shopName } from "../shop-name";
// The extension's own rendering function, so the ledger holds the words the shopper saw.
import { disclosureText } from "../../extensions/sms-consent-checkout/src/disclosure";
import { consentStateFromShopify, recordConsent } from "../consent/ledger.server";

/** The checkout consent fields, top-level on checkouts and orders. */
export type CheckoutConsentFields = Pick<
  CheckoutPayload,
  "buyer_accepts_sms_marketing" | "sms_marketing_phone" | "shipping_address" | "billing_address"
>;

/** Where a fact came from: the webhook, its inbox row, when the app received it (Provenance). */
export type ConsentOrigin = Pick<Provenance, "topic" | "inboxId" | "receivedAt" | "consentChanges" | "history">;

/**
 * Checkout consent: the SMS box at checkout sets the top-level `buyer_accepts_sms_marketing`
 * and `sms_marketing_phone` of the checkout (and of the order it becomes). Only `true` with a
 * valid number is a fact (an unticked box is not an opt-out). The consent is for that number,
 * whoever it belongs to: the checkout's customer when there is one (who gets the number when
 * they have none on file), otherwise a guest contact found or created by the number.
 * Returns the customer the consent was recorded for, or null.
 */
export async function recordCheckoutConsent(
  db: Db,
  input: {
    shopId: string;
    customerId: string | null;
    /** The checkout or order payload. */
    payload: CheckoutConsentFields;
    occurredAt: Date;
    origin: ConsentOrigin;
  },
): Promise<string | null> {
  const { payload } = input;
  if (payload.buyer_accepts_sms_marketing !== true || !payload.sms_marketing_phone) return null;
  const countryCode = (payload.shipping_address ?? payload.billing_address)?.country_code ?? null;
  const phone = normalisePhone(payload.sms_marketing_phone, countryCode);
  if (!phone.ok) {
    log.warn("checkout SMS consent with an invalid number ignored", {
      topic: input.origin.topic,
      reason: phone.reason,
    });
    return null;
  }
  const customerId =
    input.customerId ??
    (
      await findOrCreateContact({
        db,
        shopId: input.shopId,
        phone: { e164: phone.e164, country: phone.country ?? null },
      })
    ).id;
  if (input.customerId)
    await db.customer.updateMany({ where: { id: customerId, phone: null }, data: { phone: phone.e164 } });
  const disclosure = await disclosureInForce(db, input.shopId, input.occurredAt);
  const shop = await db.shop.findUniqueOrThrow({ where: { id: input.shopId }, select: { name: true, domain: true } });
  // What the checkout extension rendered next to the box: its own function over the published
  // version in force (or its default when none was published) and the shop's name.
  const rendered = disclosureText({ fromApp: disclosure?.text ?? null, shopName: shopName(shop) });
  await recordConsent(db, {
    shopId: input.shopId,
    customerId,
    phone: phone.e164,
    state: "SUBSCRIBED",
    optInLevel: "single_opt_in",
    source: "CHECKOUT",
    wording: rendered,
    occurredAt: input.occurredAt,
    evidence: {
      topic: input.origin.topic,
      inboxId: input.origin.inboxId ?? null,
      field: "buyer_accepts_sms_marketing+sms_marketing_phone",
      disclosure: {
        versionId: disclosure?.id ?? null,
        publishedHash: disclosure?.hash ?? null,
        renderedHash: createHash("sha256").update(rendered, "utf8").digest("hex"),
        renderedBy: "extensions/sms-consent-checkout disclosureText",
      },
    },
  });
  noteConsentChange(input.origin, {
    shopId: input.shopId,
    phone: phone.e164,
    customerId,
    subscribed: true,
    at: input.occurredAt,
  });
  return customerId;
}

/**
 * customers_marketing_consent/update: Shopify's record of a customer's SMS consent changed
 * (admin, customer account, checkout, another app). Recorded for the number in the payload
 * (the customer's number on file when the payload has none), ordered by Shopify's
 * `consent_updated_at` (the time the app received it when Shopify gives none). A consent that
 * arrives before the customer is mirrored creates the customer row, which customers/create
 * fills in later. A null state (as in Shopify's own sample) carries no fact.
 */
export async function applyMarketingConsentUpdate({
  db,
  shopId,
  payload,
  origin,
}: {
  db: Db;
  shopId: string;
  payload: MarketingConsentPayload;
  origin: ConsentOrigin;
}): Promise<string> {
  const existing = await db.customer.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: payload.id } },
    select: { id: true, phone: true, countryCode: true },
  });
  const parsed = normalisePhone(payload.phone, existing?.countryCode ?? null);
  const phone = parsed.ok ? parsed.e164 : (existing?.phone ?? null);
  const customer =
    existing ??
    (await db.customer.upsert({
      where: { shopId_shopifyId: { shopId, shopifyId: payload.id } },
      create: { shopId, shopifyId: payload.id, phone },
      update: {},
      select: { id: true, phone: true, countryCode: true },
    }));
  const consent = payload.sms_marketing_consent;
  if (!consent?.state) return customer.id;
  const state = consentStateFromShopify(consent.state);
  const occurredAt = consent.consent_updated_at ?? origin.receivedAt;
  await recordConsent(db, {
    shopId,
    customerId: customer.id,
    phone,
    state,
    optInLevel: consent.opt_in_level ?? null,
    source: "SHOPIFY_SYNC",
    occurredAt,
    evidence: {
      topic: origin.topic,
      inboxId: origin.inboxId ?? null,
      field: "sms_marketing_consent",
      collectedFrom: consent.consent_collected_from ?? null,
    },
  });
  noteConsentChange(origin, {
    shopId,
    phone,
    customerId: customer.id,
    subscribed: state === "SUBSCRIBED",
    at: occurredAt,
  });
  return customer.id;
}
