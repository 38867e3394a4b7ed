import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { seedBuiltInSegments } from "../segments/builtins.server";
import { seedBuiltInFlows } from "../flows/builtins.server";

/** The shop row for a domain, created (with default settings and built-in segments) on first sight. */
export async function ensureShop(db: Db, domain: string) {
  const existing = await db.shop.findUnique({ where: { domain }, include: { settings: true } });
  if (existing?.settings) return { ...existing, settings: existing.settings };
  const shop = await db.shop
    .create({ data: { domain, name: domain.replace(/\.myshopify\.com$/, ""), settings: { create: {} } }, include: { settings: true } })
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
