import { z } from "zod";
import type { Db } from "../db.server";
import { recordConsent } from "../consent/ledger.server";
import { normalisePhone } from "../contacts/phone";
import { afterConsentChange } from "../consent/after-change.server";
import { watchFromStorefront } from "./restock-watches.server";
import { findOrCreateContact } from "../contacts/local-contacts.server";
import { shopName } from "../shop-name";
import { storefrontNumberAllowed, TOO_MANY } from "../http/storefront-limits.server";

/** The storefront block's form ("Text me when it's back"), as posted through the app proxy. */
export const RestockSignup = z.object({
  variantId: z.string().regex(/^\d+$/, "variantId must be a variant's numeric id"),
  phone: z.string().trim().min(4, "phone is required").max(32),
  consent: z.literal("yes", { error: "SMS consent is required to be texted" }),
  country: z.string().length(2).optional(),
  // No wording field: a post could claim any text. What the shopper saw is restockWording below.
});
export type RestockSignup = z.infer<typeof RestockSignup>;

export type SignupResult = { ok: true } | { ok: false; status: 404 | 409 | 422 | 429; reason: string };

/**
 * The consent text next to the checkbox, as the block renders it (extensions/restock-signup,
 * same words with the shop's name): the ledger records this, from the server, never a posted
 * text. Changing it means changing the block too (test/commerce/restock-signup.test.ts reads both).
 */
export const RESTOCK_WORDING =
  "By signing up, you agree to receive a text from {shop} when this item is back in stock. Msg & data rates may apply. Reply STOP to opt out, HELP for help.";

export const restockWording = (shopName: string) => RESTOCK_WORDING.replaceAll("{shop}", shopName);

/**
 * A shopper asks to be texted when a sold-out variant is back. Records their consent in the
 * ledger (storefront form, with the wording and the request as evidence) and a restock
 * watch. A logged-in shopper is matched by their Shopify customer id; a guest by phone, or,
 * if unknown, becomes a storefront contact (app/contacts/local-contacts.server.ts).
 */
export async function signUpForRestock(
  db: Db,
  s: { shopId: string; form: RestockSignup; loggedInCustomerId: string | null; now: Date },
): Promise<SignupResult> {
  const { shopId, form, loggedInCustomerId, now } = s;
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { countryCode: true, name: true, domain: true },
  });
  const phone = normalisePhone(form.phone, form.country ?? shop.countryCode);
  if (!phone.ok) return { ok: false, status: 422, reason: `phone: ${phone.reason}` };
  if (!(await storefrontNumberAllowed(db, { shopId, phone: phone.e164, now })))
    return { ok: false, status: 429, reason: TOO_MANY };
  const variant = await db.variant.findFirst({
    where: { shopId, shopifyId: form.variantId, deletedAt: null },
    select: { inventoryQuantity: true },
  });
  if (!variant) return { ok: false, status: 404, reason: "unknown variant" };
  if (variant.inventoryQuantity > 0) return { ok: false, status: 409, reason: "this variant is in stock" };

  const loggedIn = loggedInCustomerId
    ? await db.customer.findUnique({
        where: { shopId_shopifyId: { shopId, shopifyId: loggedInCustomerId } },
        select: { id: true },
      })
    : null;
  const customer =
    loggedIn ??
    (await findOrCreateContact({ db, shopId, phone: { e164: phone.e164, country: phone.country ?? null } }));
  // A known customer without a number on file gets the one they just gave.
  if (loggedIn) await db.customer.updateMany({ where: { id: customer.id, phone: null }, data: { phone: phone.e164 } });

  await recordConsent(db, {
    shopId,
    customerId: customer.id,
    phone: phone.e164,
    state: "SUBSCRIBED",
    optInLevel: "single_opt_in",
    source: "STOREFRONT_FORM",
    // Consent to the back-in-stock text for this variant, not to marketing: it never makes
    // an SMS subscriber, and it never lifts a suppressed number (app/consent/gate.server.ts).
    scope: "restock",
    wording: restockWording(shopName(shop)),
    occurredAt: now,
    evidence: { form: "restock", variantId: form.variantId, loggedInCustomerId },
  });
  await watchFromStorefront({ db, shopId, customerId: customer.id, variantShopifyId: form.variantId, at: now });
  await afterConsentChange(
    { db },
    {
      shopId,
      phone: phone.e164,
      customerIds: [customer.id],
      change: "opt_in",
      scope: "restock", // segments only: no suppression lifted, no marketing text
      writeBack: false,
      origin: "live",
      at: now,
      ref: `restock:${form.variantId}`,
    },
  );
  return { ok: true };
}
