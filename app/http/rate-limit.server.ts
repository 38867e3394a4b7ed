import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { keyedDigest } from "../security/keyed-digest.server";

export interface RateLimit {
  /** What is counted, e.g. `proxy:ip` or `proxy:phone`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Storefront posts arrive unauthenticated but for Shopify's proxy signature: anyone can post
 * the form in a loop. Limits per IP and per number are fixed-window counters in the database
 * (every app process sees the same counts). The key is a keyed hash of shop + subject: no
 * address or number is stored, nor a plain hash of one (every number can be tried against
 * that). Counters are kept a day, then deleted by a later window's first hit or by the hourly
 * retention job, whichever comes first. Returns false once the subject is past the limit in
 * this window.
 */
export async function withinRateLimit(
  db: Db,
  o: { rule: RateLimit; shopId: string; subject: string; now: Date },
): Promise<boolean> {
  const key = `${o.rule.name}:${counterDigest()(`${o.shopId}\n${o.subject}`).slice(0, 32)}`;
  const windowStart = new Date(Math.floor(o.now.getTime() / o.rule.windowMs) * o.rule.windowMs);
  const where = { key_windowStart: { key, windowStart } };
  const bump = () => db.rateCounter.update({ where, data: { count: { increment: 1 } }, select: { count: true } });
  const counter = await db.rateCounter
    .upsert({
      where,
      create: { key, windowStart, count: 1 },
      update: { count: { increment: 1 } },
      select: { count: true },
    })
    .catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return bump(); // two first hits at once: the other created the row
    });
  // Counters of past windows are worth nothing: the first hit of a window clears them (indexed).
  if (counter.count === 1) await pruneRateCounters(db, o.now);
  return counter.count <= o.rule.limit;
}

let digest: ((input: string) => string) | undefined;
const counterDigest = () => (digest ??= keyedDigest("rate-limit:v1"));

/** Deletes counters of windows that started more than `keepMs` ago (the longest window is an hour). */
export async function pruneRateCounters(db: Db, now: Date, keepMs = 24 * 3600_000): Promise<number> {
  const before = new Date(now.getTime() - keepMs);
  const { count } = await db.rateCounter.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}

/** The shopper's address as Shopify's app proxy forwards it (first X-Forwarded-For entry). */
export function clientIp(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
