import { z } from "zod";
import type { Db } from "../db.server";
import { NoAdminAccess, type AdminGraphql } from "../shopify-admin/graphql.server";

/**
 * The shop's own facts from Shopify: its name (sender identification), public contact
 * e-mail (HELP replies), IANA time zone (campaign times; the last-resort zone for a shopper)
 * and country. Read with the Admin GraphQL `shop` query after install/auth, and again after
 * every `shop/update` webhook (whose REST body may carry `iana_timezone: null`, as Shopify's
 * own sample does, so the query is the authority).
 */
export const SHOP_FACTS_QUERY = `#graphql
query ShopFacts {
  shop { name email contactEmail ianaTimezone currencyCode billingAddress { countryCodeV2 } }
}`;

const ShopFacts = z.object({
  shop: z.object({
    name: z.string(),
    email: z.string().nullish(),
    contactEmail: z.string().nullish(),
    ianaTimezone: z.string().min(1),
    currencyCode: z.string().nullish(),
    billingAddress: z.object({ countryCodeV2: z.string().nullish() }).nullish(),
  }),
});

/** Reads the facts and stores them; false without Admin API access (the offline demo). */
export async function syncShopFacts(deps: { db: Db; admin?: AdminGraphql }, shopDomain: string): Promise<boolean> {
  if (!deps.admin) return false;
  const answer = await deps.admin(shopDomain, SHOP_FACTS_QUERY).catch((error: unknown) => {
    if (error instanceof NoAdminAccess) return null;
    throw error; // the job retries
  });
  if (!answer) return false;
  const { shop } = ShopFacts.parse(answer);
  await deps.db.shop.update({
    where: { domain: shopDomain },
    data: {
      name: shop.name,
      email: shop.contactEmail || shop.email || null,
      ianaTimezone: validZone(shop.ianaTimezone) ?? undefined,
      currency: shop.currencyCode ?? undefined,
      countryCode: shop.billingAddress?.countryCodeV2 ?? undefined,
    },
  });
  return true;
}

/** shop/update (REST shape): what the body says now; `null` fields leave the stored value. */
export const ShopUpdatePayload = z.looseObject({
  name: z.string().nullish(),
  email: z.string().nullish(),
  customer_email: z.string().nullish(),
  country_code: z.string().nullish(),
  iana_timezone: z.string().nullish(),
  currency: z.string().nullish(),
});

export async function applyShopUpdate(db: Db, shopId: string, p: z.infer<typeof ShopUpdatePayload>): Promise<void> {
  await db.shop.update({
    where: { id: shopId },
    data: {
      name: p.name ?? undefined,
      email: p.customer_email ?? p.email ?? undefined,
      countryCode: p.country_code ?? undefined,
      ianaTimezone: validZone(p.iana_timezone) ?? undefined,
      currency: p.currency ?? undefined,
    },
  });
}

/** Only a zone this runtime knows: a bad one would break every quiet-hours check. */
function validZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}
