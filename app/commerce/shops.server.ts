import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { seedBuiltInSegments } from "../segments/builtins.server";
import { seedBuiltInFlows } from "../flows/builtins.server";

/** What shoppers know the shop as: its name, else its handle ("northbean" of northbean.myshopify.com). */
export const shopName = (shop: { name: string | null; domain: string }) => shop.name ?? shop.domain.replace(/\.myshopify\.com$/, "");

/** The shop row for a domain, created (with default settings and built-in segments) on first sight. */
export async function ensureShop(db: Db, domain: string) {
  const existing = await db.shop.findUnique({ where: { domain }, include: { settings: true } });
  if (existing?.settings) return { ...existing, settings: existing.settings };
  const shop = await db.shop
    .create({ data: { domain, name: shopName({ name: null, domain }), settings: { create: {} } }, include: { settings: true } })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error)) return db.shop.findUniqueOrThrow({ where: { domain }, include: { settings: true } });
      throw error;
    });
  const settings = shop.settings ?? (await db.shopSettings.create({ data: { shopId: shop.id } }));
  await seedBuiltInSegments(db, shop.id, settings);
  await seedBuiltInFlows(db, shop.id);
  return { ...shop, settings };
}

export type ShopWithSettings = Awaited<ReturnType<typeof ensureShop>>;
