import { z } from "zod";
import { normalisePhone } from "../contacts/phone";
import { requestConfirmedOptIn } from "../consent/confirmed-opt-in.server";
import { disclosureInForce } from "../consent/disclosure.server";
import { storefrontNumberAllowed, TOO_MANY } from "../http/storefront-limits.server";
import type { AppServices } from "../services";

/**
 * The storefront's SMS sign-up form ("Get texts with news and offers"), posted through the app
 * proxy. No wording field: what the shopper agreed to is the shop's published disclosure, read
 * on the server; anything else in the post is ignored.
 */
export const MarketingSignup = z.object({
  phone: z.string().trim().min(4, "phone is required").max(32),
  consent: z.literal("yes", { error: "SMS consent is required to be texted" }),
  country: z.string().length(2).optional(),
  // The disclosure version the form showed (the block's GET): a sign-up to terms that changed
  // since the page loaded is refused, so the recorded wording is the wording shown.
  disclosureVersion: z.string().max(64).optional(),
});
export type MarketingSignup = z.infer<typeof MarketingSignup>;

export type MarketingSignupResult = { ok: true } | { ok: false; status: 409 | 422 | 429; reason: string };

export const NO_TERMS = "this store has not published its SMS terms yet";
export const TERMS_CHANGED = "this store's SMS terms changed: please read them again";

/**
 * The wording of a storefront sign-up: the shop's published disclosure in force, shown by the
 * theme block next to its checkbox (GET /apps/sms/subscribe) and recorded with the request.
 * Null while none is published (the form is not offered).
 */
export const signupDisclosure = (db: AppServices["db"], shopId: string, at: Date) => disclosureInForce(db, shopId, at);

/**
 * A storefront sign-up for marketing texts: a confirmed opt-in request (the number gets
 * "Reply Y to confirm"), never a subscription by itself. The answer is the same whatever
 * the number's state (subscribed, pending, opted out), so the form reveals nothing about it.
 */
export async function signUpForMarketing(
  deps: AppServices,
  s: { shopId: string; form: MarketingSignup; loggedInCustomerId: string | null; now: Date },
): Promise<MarketingSignupResult> {
  const { db } = deps;
  const shop = await db.shop.findUniqueOrThrow({ where: { id: s.shopId }, select: { countryCode: true } });
  const phone = normalisePhone(s.form.phone, s.form.country ?? shop.countryCode);
  if (!phone.ok) return { ok: false, status: 422, reason: `phone: ${phone.reason}` };
  if (!(await storefrontNumberAllowed(db, { shopId: s.shopId, phone: phone.e164, now: s.now })))
    return { ok: false, status: 429, reason: TOO_MANY };
  const disclosure = await signupDisclosure(db, s.shopId, s.now);
  if (!disclosure) return { ok: false, status: 409, reason: NO_TERMS };
  if (s.form.disclosureVersion && s.form.disclosureVersion !== disclosure.id)
    return { ok: false, status: 409, reason: TERMS_CHANGED };
  const loggedIn = s.loggedInCustomerId
    ? await db.customer.findUnique({
        where: { shopId_shopifyId: { shopId: s.shopId, shopifyId: s.loggedInCustomerId } },
        select: { id: true },
      })
    : null;
  await requestConfirmedOptIn(deps, {
    shopId: s.shopId,
    phone: phone.e164,
    country: phone.country ?? null,
    customerId: loggedIn?.id ?? null,
    source: "STOREFRONT_FORM",
    wording: disclosure.text,
    at: s.now,
    evidence: {
      form: "sms-signup",
      field: "storefront form",
      disclosure: { versionId: disclosure.id, hash: disclosure.hash },
      loggedInCustomerId: s.loggedInCustomerId,
    },
  });
  return { ok: true };
}
