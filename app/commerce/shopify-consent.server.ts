import type { Db } from "../db.server";
import { normalisePhone, type PhoneResult } from "../contacts/phone";
import { findOrCreateContacts } from "../contacts/local-contacts.server";
import { noteConsentChange, type Provenance } from "./customers.server";
import type { CheckoutPayload, MarketingConsentPayload } from "../shopify-payloads";
import { log } from "../observability/log.server";
import { disclosuresInForce } from "../consent/disclosure.server";
import { typedValue, updateRows } from "../db/update-rows.server";
import { sqlOn } from "../db/driver.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { createHash } from "node:crypto";
import { shopName } from "../shop-name";
// The extension's own rendering function, so the ledger holds the words the shopper saw.
import { disclosureText } from "../../extensions/sms-consent-checkout/src/disclosure";
import {
  appendConsentFacts,
  consentStateFromShopify,
  deriveCustomerConsents,
  recordConsent,
} from "../consent/ledger.server";

/** The checkout consent fields, top-level on checkouts and orders. */
export type CheckoutConsentFields = Pick<
  CheckoutPayload,
  "buyer_accepts_sms_marketing" | "sms_marketing_phone" | "shipping_address" | "billing_address"
>;

/** Where a fact came from: the webhook, its inbox row, when the app received it (Provenance). */
export type ConsentOrigin = Pick<Provenance, "topic" | "inboxId" | "receivedAt" | "consentChanges" | "history">;

/** One checkout's or order's consent to record: its customer (null for a guest), its fields, when, whence. */
export interface CheckoutConsent {
  customerId: string | null;
  /** The checkout or order payload. */
  payload: CheckoutConsentFields;
  occurredAt: Date;
  origin: ConsentOrigin;
}

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
  input: CheckoutConsent & { shopId: string },
): Promise<string | null> {
  return (await recordCheckoutConsents(db, { shopId: input.shopId, consents: [input] }))[0]?.customerId ?? null;
}

/**
 * Whom a consent was recorded for: its customer, or for a guest the contact found or made by
 * the number, with the contact's Shopify id (an order of the guest's is the contact's).
 */
export type RecordedConsent = { customerId: string; guestShopifyId: string | null } | null;

/**
 * recordCheckoutConsent for many checkouts or orders of a shop (a webhook batch's round) in a
 * few statements instead of ~5 each: the customers without a number given theirs in one
 * UPDATE (the first consent's number, as one at a time leaves it), then the guests' contacts
 * found or made by number in two (after the numbers, so a guest finds a customer who just got
 * it), the disclosures in force and the shop in one read each, the facts the ledger does not
 * hold in one insert, and the consent of every customer re-derived in one UPDATE. Each fact
 * is noted on its own origin in the given order, for its follow-up (afterConsentChanges).
 * Returns, per consent, whom it was recorded for, or null.
 */
export async function recordCheckoutConsents(
  db: Db,
  { shopId, consents }: { shopId: string; consents: readonly CheckoutConsent[] },
): Promise<RecordedConsent[]> {
  const numbered = consents.map((c) => ({ ...c, phone: checkoutNumber(c) }));
  const valid = numbered.filter((c): c is typeof c & { phone: { e164: string; country: string | null } } => !!c.phone);
  if (!valid.length) return consents.map(() => null);
  const firstNumber = new Map<string, string>();
  for (const c of valid)
    if (c.customerId && !firstNumber.has(c.customerId)) firstNumber.set(c.customerId, c.phone.e164);
  await updateRows(db, {
    table: "Customer",
    columns: { phone: "text" },
    rows: [...firstNumber].map(([key, phone]) => ({ key, phone })),
    set: Prisma.sql`"phone" = v."phone", "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
    where: Prisma.sql`"Customer"."phone" IS NULL`,
  });
  const contacts = await findOrCreateContacts({
    db,
    shopId,
    requests: valid.filter((c) => !c.customerId).map((c) => ({ phone: c.phone })),
  });
  const disclosureAt = await disclosuresInForce(
    db,
    shopId,
    valid.map((c) => c.occurredAt),
  );
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { name: true, domain: true } });
  const facts = valid.map((c) => {
    const guest = c.customerId ? null : contacts.get(c.phone.e164)!;
    const customerId = c.customerId ?? guest!.id;
    const disclosure = disclosureAt(c.occurredAt);
    // What the checkout extension rendered next to the box: its own function over the published
    // version in force (or its default when none was published) and the shop's name.
    const rendered = disclosureText({ fromApp: disclosure?.text ?? null, shopName: shopName(shop) });
    return {
      consent: c,
      recorded: { customerId, guestShopifyId: guest?.shopifyId ?? null },
      fact: {
        shopId,
        customerId,
        phone: c.phone.e164,
        state: "SUBSCRIBED" as const,
        optInLevel: "single_opt_in",
        source: "CHECKOUT" as const,
        wording: rendered,
        occurredAt: c.occurredAt,
        evidence: {
          topic: c.origin.topic,
          inboxId: c.origin.inboxId ?? null,
          field: "buyer_accepts_sms_marketing+sms_marketing_phone",
          disclosure: {
            versionId: disclosure?.id ?? null,
            publishedHash: disclosure?.hash ?? null,
            renderedHash: createHash("sha256").update(rendered, "utf8").digest("hex"),
            renderedBy: "extensions/sms-consent-checkout disclosureText",
          },
        },
      },
    };
  });
  const sql = sqlOn(db);
  await appendConsentFacts(sql, { shopId, facts: facts.map((f) => f.fact) });
  await deriveCustomerConsents(sql, {
    shopId,
    customerIds: [...new Set(facts.map((f) => f.fact.customerId))],
    now: new Date(),
  });
  for (const { consent, fact } of facts)
    noteConsentChange(consent.origin, {
      shopId,
      phone: fact.phone,
      customerId: fact.customerId,
      subscribed: true,
      at: fact.occurredAt,
    });
  const recordedFor = new Map<unknown, RecordedConsent>(facts.map((f) => [f.consent, f.recorded]));
  return numbered.map((c) => recordedFor.get(c) ?? null);
}

/** The number a checkout's consent is for (its address's country for a national number), or null: no consent. */
function checkoutNumber(c: CheckoutConsent): { e164: string; country: string | null } | null {
  const phone = checkoutConsentPhone(c.payload);
  if (!phone) return null;
  if (phone.ok) return { e164: phone.e164, country: phone.country ?? null };
  log.warn("checkout SMS consent with an invalid number ignored", { topic: c.origin.topic, reason: phone.reason });
  return null;
}

/** The ticked box's number as given, normalised (maybe not a number), or null: the box is not ticked. */
export function checkoutConsentPhone(payload: CheckoutConsentFields): PhoneResult | null {
  if (payload.buyer_accepts_sms_marketing !== true || !payload.sms_marketing_phone) return null;
  const countryCode = (payload.shipping_address ?? payload.billing_address)?.country_code ?? null;
  return normalisePhone(payload.sms_marketing_phone, countryCode);
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
