import { HOUR } from "../clock";
import type { Db } from "../db.server";
import { withinRateLimit, type RateLimit } from "./rate-limit.server";

/**
 * How often the storefront sign-up forms (app proxy) may be posted: per shopper address, and
 * per number typed in (a hostile page looping one victim's number through the form). Past
 * either, the post is answered 429 and nothing is written.
 *
 * The sign-up block also reads the shop's terms (GET) on every page it is on, so reads have
 * their own, far larger, per-address budget (a shopper browsing, many shoppers behind one
 * carrier NAT) that a loop still runs out of; a read never spends the posts' budget. Past it
 * the block gets 429 and stays hidden. There is no number in a read to count.
 */
export const STOREFRONT_LIMITS = {
  perIp: { name: "proxy:ip", limit: 20, windowMs: HOUR },
  perNumber: { name: "proxy:phone", limit: 3, windowMs: HOUR },
  readsPerIp: { name: "proxy:read-ip", limit: 600, windowMs: HOUR },
} satisfies Record<string, RateLimit>;

export const storefrontIpAllowed = (db: Db, o: { shopId: string; ip: string; now: Date }) =>
  withinRateLimit(db, { rule: STOREFRONT_LIMITS.perIp, shopId: o.shopId, subject: o.ip, now: o.now });

export const storefrontReadAllowed = (db: Db, o: { shopId: string; ip: string; now: Date }) =>
  withinRateLimit(db, { rule: STOREFRONT_LIMITS.readsPerIp, shopId: o.shopId, subject: o.ip, now: o.now });

export const storefrontNumberAllowed = (db: Db, o: { shopId: string; phone: string; now: Date }) =>
  withinRateLimit(db, { rule: STOREFRONT_LIMITS.perNumber, shopId: o.shopId, subject: o.phone, now: o.now });

export const TOO_MANY = "too many sign-ups; please try again in an hour";

export const tooManyRequests = (error: string = TOO_MANY) =>
  Response.json({ error }, { status: 429, headers: { "Retry-After": String(HOUR / 1000) } });
