import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { seedBuiltInSegments } from "../segments/builtins.server";
import { seedBuiltInFlows } from "../flows/builtins.server";
import { shopName } from "../shop-name";

/** The shop row for a domain, created (with default settings and built-in segments) on first sight. */
export async function ensureShop(db: Db, domain: string) {
  const existing = await db.shop.findUnique({ where: { domain }, include: { settings: true } });
  if (existing?.settings) return { ...existing, settings: existing.settings };
  if (existing) {
    // A shop row without settings (created before settings existed): complete it.
    const settings = await db.shopSettings.create({ data: { shopId: existing.id } }).catch(async (error: unknown) => {
      if (isUniqueViolation(error)) return db.shopSettings.findUniqueOrThrow({ where: { shopId: existing.id } });
      throw error;
    });
    await seedBuiltInSegments(db, existing.id, settings);
    await seedBuiltInFlows(db, existing.id);
    return { ...existing, settings };
  }
  // Shop, settings, built-in segments and flows appear together or not at all: another
  // worker processing this shop's first webhooks at the same moment either waits on the
  // insert and finds the finished shop, or would otherwise evaluate customers against a
  // half-seeded segment list and miss memberships for good.
  const shop = await db
    .$transaction(async (tx) => {
      const created = await tx.shop.create({
        data: { domain, name: shopName({ name: null, domain }), settings: { create: {} } },
        include: { settings: true },
      });
      await seedBuiltInSegments(tx, created.id, created.settings!);
      await seedBuiltInFlows(tx, created.id);
      return created;
    })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error))
        return db.shop.findUniqueOrThrow({ where: { domain }, include: { settings: true } });
      throw error;
    });
  return { ...shop, settings: shop.settings! };
}

export type ShopWithSettings = Awaited<ReturnType<typeof ensureShop>>;
