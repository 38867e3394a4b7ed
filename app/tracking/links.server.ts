import { randomBytes } from "node:crypto";
import type { Db } from "../db.server";
import { refreshCustomerSegments } from "../segments/membership.server";
import { shortUrl, URL_PATTERN } from "./short-url";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 8 base62 characters: ~47 bits, unguessable enough that codes can't be enumerated. */
const newCode = () => [...randomBytes(8)].map((b) => ALPHABET[b % 62]).join("");
export { shortUrl };

/**
 * Replaces every http(s) URL in a message body with a tracked short link for this message
 * and recipient. Short links also save SMS segments.
 */
export async function trackLinks(
  db: Db,
  appUrl: string,
  body: string,
  owner: { shopId: string; messageId: string; customerId: string | null },
): Promise<string> {
  const urls = [...new Set(body.match(URL_PATTERN) ?? [])];
  let tracked = body;
  for (const url of urls) {
    const link = await db.trackedLink.create({ data: { ...owner, code: newCode(), url } });
    tracked = tracked.split(url).join(shortUrl(appUrl, link.code));
  }
  return tracked;
}

/**
 * A shopper opened a short link: record the click, feed engagement segments (clicked
 * recently / never clicked), and return where to send them. Unknown codes return null.
 */
export async function recordClick(db: Db, code: string, now: Date): Promise<string | null> {
  const link = await db.trackedLink.findUnique({
    where: { code },
    select: { id: true, url: true, shopId: true, customerId: true },
  });
  if (!link) return null;
  await db.click.create({ data: { shopId: link.shopId, linkId: link.id, customerId: link.customerId, at: now } });
  if (link.customerId) {
    await db.customer.updateMany({
      where: { id: link.customerId, OR: [{ lastClickAt: null }, { lastClickAt: { lt: now } }] },
      data: { lastClickAt: now },
    });
    await refreshCustomerSegments(db, link.shopId, link.customerId, now, { cause: "click", ref: link.id });
  }
  return link.url;
}
