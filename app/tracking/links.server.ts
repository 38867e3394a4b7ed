import { randomBytes } from "node:crypto";
import type { Db } from "../db.server";
import { refreshCustomerSegments } from "../segments/membership.server";
import { MINUTE } from "../clock";
import { withinRateLimit, type RateLimit } from "../http/rate-limit.server";
import type { ClickIntent } from "./click-intent";
import { shortUrl, URL_PATTERN } from "./short-url";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 8 base62 characters: ~47 bits, unguessable enough that codes can't be enumerated. */
const newCode = () => [...randomBytes(8)].map((b) => ALPHABET[b % 62]).join("");
export { shortUrl };

type LinkOwner = { shopId: string; messageId: string; customerId: string | null };

/**
 * Replaces every http(s) URL in a message body with a tracked short link for this message
 * and recipient. Short links also save SMS segments.
 */
export async function trackLinks({
  db,
  appUrl,
  body,
  owner,
}: {
  db: Db;
  appUrl: string;
  body: string;
  owner: LinkOwner;
}): Promise<string> {
  return (await trackLinksMany(db, appUrl, [{ body, owner }]))[0]!;
}

/** `trackLinks` for a batch of texts (batch dispatch): every new short link in one insert. */
export async function trackLinksMany(
  db: Db,
  appUrl: string,
  texts: { body: string; owner: LinkOwner }[],
): Promise<string[]> {
  const links: (LinkOwner & { code: string; url: string })[] = [];
  const bodies = texts.map(({ body, owner }) => {
    let tracked = body;
    for (const url of new Set(body.match(URL_PATTERN) ?? [])) {
      const code = newCode();
      links.push({ ...owner, code, url });
      tracked = tracked.split(url).join(shortUrl(appUrl, code));
    }
    return tracked;
  });
  if (links.length) await db.trackedLink.createMany({ data: links });
  return bodies;
}

/** Clicks counted per short link per minute; more are redirected but not counted (a bot loop, a shared link storm). */
export const CLICKS_PER_CODE_PER_MINUTE = 5;
/**
 * An atomic counter per code and clock minute (http/rate-limit): counting the Click rows
 * first and inserting after let a burst of requests at once all see "under the limit".
 */
const CLICK_LIMIT: RateLimit = { name: "link:clicks", limit: CLICKS_PER_CODE_PER_MINUTE, windowMs: MINUTE };

/**
 * A request for a short link: returns where to send it (null for an unknown code). Only a
 * shopper's own click (clickIntent "click") under the per-code rate limit is recorded and
 * feeds engagement segments (clicked recently / never clicked); HEAD requests, link
 * previews and prefetches are redirected without counting.
 */
export async function followLink(
  db: Db,
  p: { code: string; now: Date; intent: ClickIntent },
): Promise<{ url: string; counted: boolean } | null> {
  const link = await db.trackedLink.findUnique({
    where: { code: p.code },
    select: { id: true, url: true, shopId: true, customerId: true },
  });
  if (!link) return null;
  if (p.intent !== "click") return { url: link.url, counted: false };
  if (!(await withinRateLimit(db, { rule: CLICK_LIMIT, shopId: link.shopId, subject: p.code, now: p.now })))
    return { url: link.url, counted: false };
  await db.click.create({ data: { shopId: link.shopId, linkId: link.id, customerId: link.customerId, at: p.now } });
  if (link.customerId) {
    await db.customer.updateMany({
      where: { id: link.customerId, OR: [{ lastClickAt: null }, { lastClickAt: { lt: p.now } }] },
      data: { lastClickAt: p.now },
    });
    // Two taps at once race on the shopper's segments: refreshCustomerSegments reads again.
    await refreshCustomerSegments({
      db,
      shopId: link.shopId,
      customerId: link.customerId,
      now: p.now,
      cause: { cause: "click", ref: link.id },
    });
  }
  return { url: link.url, counted: true };
}

/** A shopper's own click, as the route records it (tests and tools that click on a fake clock). */
export async function recordClick(db: Db, code: string, now: Date): Promise<string | null> {
  return (await followLink(db, { code, now, intent: "click" }))?.url ?? null;
}
