import { HOUR } from "../clock";
import type { Db } from "../db.server";
import { withinRateLimit, type RateLimit } from "./rate-limit.server";

/**
 * How often the storefront sign-up forms (app proxy) may be posted: per shopper address, and
 * per number typed in (a hostile page looping one victim's number through the form). Past
 * either, the post is answered 429 and nothing is written.
 */
export const STOREFRONT_LIMITS = {
  perIp: { name: "proxy:ip", limit: 20, windowMs: HOUR },
  perNumber: { name: "proxy:phone", limit: 3, windowMs: HOUR },
} satisfies Record<string, RateLimit>;

export const storefrontIpAllowed = (db: Db, o: { shopId: string; ip: string; now: Date }) =>
  withinRateLimit(db, { rule: STOREFRONT_LIMITS.perIp, shopId: o.shopId, subject: o.ip, now: o.now });

export const storefrontNumberAllowed = (db: Db, o: { shopId: string; phone: string; now: Date }) =>
  withinRateLimit(db, { rule: STOREFRONT_LIMITS.perNumber, shopId: o.shopId, subject: o.phone, now: o.now });

export const TOO_MANY = "too many sign-ups; please try again in an hour";

export const tooManyRequests = () =>
  Response.json({ error: TOO_MANY }, { status: 429, headers: { "Retry-After": String(HOUR / 1000) } });
