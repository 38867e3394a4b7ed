import type { Db } from "../db.server";
import type { ConsentSource, SmsConsentState } from "../generated/sqlite/client";
import { numberHasher } from "../contacts/number-hash.server";

export type ConsentScope = "marketing" | "restock";

export interface ConsentFact {
  shopId: string;
  customerId: string | null;
  phone: string | null;
  state: SmsConsentState;
  optInLevel?: string | null;
  source: ConsentSource;
  wording?: string | null;
  /** "marketing" (default) or "restock": a back-in-stock alert for evidence.variantId only. */
  scope?: ConsentScope;
  occurredAt: Date;
  evidence?: Record<string, unknown>;
}

/** Shopify's sms_marketing_consent.state → the ledger's state. */
export function consentStateFromShopify(state: string): SmsConsentState {
  switch (state.toLowerCase()) {
    case "subscribed":
      return "SUBSCRIBED";
    case "unsubscribed":
      return "UNSUBSCRIBED";
    case "pending":
      return "PENDING";
    case "redacted":
      return "REDACTED";
    default:
      return "NOT_SUBSCRIBED"; // not_subscribed, invalid
  }
}

/**
 * The keyed hash a fact keeps of its number (contacts/number-hash), written with the fact by
 * every writer (this ledger and the sync's batch insert): once customers/redact clears the
 * number, the fact can still be matched to a number someone presents, and facts never
 * redacted are found the same way as redacted ones.
 */
export const factPhoneHash = (shopId: string, phone: string | null) =>
  phone ? numberHasher().hash(shopId, phone) : null;

/**
 * Appends a consent fact to the ledger (a repeat of the same fact is ignored) and
 * re-derives the customer's current consent: the fact with the latest `occurredAt` wins,
 * so facts arriving out of order give the same result as in order.
 * Returns true when the customer's derived consent changed.
 */
export async function recordConsent(db: Db, fact: ConsentFact): Promise<boolean> {
  const duplicate = await db.consentEvent.findFirst({
    where: {
      shopId: fact.shopId,
      customerId: fact.customerId,
      phone: fact.phone,
      state: fact.state,
      scope: fact.scope ?? "marketing",
      occurredAt: fact.occurredAt,
    },
    select: { id: true },
  });
  if (!duplicate) {
    await db.consentEvent.create({
      data: {
        shopId: fact.shopId,
        customerId: fact.customerId,
        phone: fact.phone,
        phoneHash: factPhoneHash(fact.shopId, fact.phone),
        state: fact.state,
        optInLevel: fact.optInLevel ?? null,
        source: fact.source,
        wording: fact.wording ?? null,
        scope: fact.scope ?? "marketing",
        occurredAt: fact.occurredAt,
        evidence: (fact.evidence ?? undefined) as object | undefined,
      },
    });
  }
  return fact.customerId ? deriveCustomerConsent(db, fact.shopId, fact.customerId) : false;
}

/**
 * The customer's consent as segments see it: the newest marketing fact for the customer's
 * current number (consent belongs to a number: a customer whose phone changed is not
 * subscribed on the new one until consent for it exists). Without a number on file, the
 * newest marketing fact of the customer (there is nobody to text either way).
 */
export async function deriveCustomerConsent(db: Db, shopId: string, customerId: string): Promise<boolean> {
  const customer = await db.customer.findUniqueOrThrow({
    where: { id: customerId },
    select: { smsConsent: true, smsConsentAt: true, phone: true },
  });
  const latest = await db.consentEvent.findFirst({
    where: { shopId, customerId, scope: "marketing", ...(customer.phone ? { phone: customer.phone } : {}) },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }, { id: "desc" }],
  });
  const state = latest?.state ?? "NOT_SUBSCRIBED";
  const at = latest?.occurredAt ?? null;
  if (customer.smsConsent === state && customer.smsConsentAt?.getTime() === at?.getTime()) return false;
  await db.customer.update({ where: { id: customerId }, data: { smsConsent: state, smsConsentAt: at } });
  return customer.smsConsent !== state;
}
