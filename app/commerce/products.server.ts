import type { Db } from "../db.server";
import type { InventoryLevelPayload, ProductPayload } from "../shopify-payloads";
import type { Deletion } from "./customers.server";
import { guardedUpsert, type GuardedModel } from "./guarded-upsert.server";
import { PRODUCT_TOTAL, recordLevel } from "./stock-history.server";

/** products/create|update: the product and its variants, newest `updated_at` winning. */
export async function syncProduct(db: Db, shopId: string, payload: ProductPayload): Promise<void> {
  const fields = {
    title: payload.title,
    handle: payload.handle ?? null,
    productType: payload.product_type || null,
    vendor: payload.vendor || null,
    status: payload.status ?? null,
    imageUrl: payload.image?.src ?? null,
    deletedAt: null,
  };
  const product = await guardedUpsert({
    model: db.product as unknown as GuardedModel<unknown>,
    where: { shopId_shopifyId: { shopId, shopifyId: payload.id } },
    updatedAt: payload.updated_at ?? null,
    create: { shopId, shopifyId: payload.id, ...fields },
    update: fields,
  });
  for (const v of payload.variants) {
    const at = v.updated_at ?? payload.updated_at;
    // Shopify's total at the product's time is stock history too, late payloads included.
    if (v.inventory_item_id && at)
      await recordLevel(db, {
        shopId,
        inventoryItemId: v.inventory_item_id,
        locationId: PRODUCT_TOTAL,
        at,
        available: v.inventory_quantity,
      });
  }
  if (!product.applied) return;
  for (const v of payload.variants) {
    const tracked = v.inventory_item_id
      ? await db.inventoryLevel.count({ where: { shopId, inventoryItemId: v.inventory_item_id } })
      : 0;
    const variantFields = {
      productId: product.id,
      title: v.title ?? null,
      sku: v.sku ?? null,
      price: v.price,
      inventoryItemId: v.inventory_item_id ?? null,
      inventoryPolicy: v.inventory_policy ?? null,
      deletedAt: null,
      // Per-location levels (inventory_levels/update) are more precise once we have them.
      ...(tracked ? {} : { inventoryQuantity: v.inventory_quantity }),
    };
    await guardedUpsert({
      model: db.variant as unknown as GuardedModel<unknown>,
      where: { shopId_shopifyId: { shopId, shopifyId: v.id } },
      updatedAt: v.updated_at ?? payload.updated_at ?? null,
      create: { shopId, shopifyId: v.id, inventoryQuantity: v.inventory_quantity, ...variantFields },
      update: variantFields,
    });
  }
}

export async function markProductDeleted({ db, shopId, shopifyId, at }: Deletion): Promise<void> {
  const product = await db.product.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId } },
    select: { id: true },
  });
  if (!product) return;
  await db.product.update({ where: { id: product.id }, data: { deletedAt: at } });
  await db.variant.updateMany({ where: { productId: product.id }, data: { deletedAt: at } });
}

/**
 * inventory_levels/update: one location's level, newest wins; the variant's quantity is the
 * sum over locations. Every report, late ones included, is also kept as stock history
 * (commerce/stock-history), which restock watches are read from.
 */
export async function syncInventoryLevel(db: Db, shopId: string, payload: InventoryLevelPayload): Promise<void> {
  await recordLevel(db, {
    shopId,
    inventoryItemId: payload.inventory_item_id,
    locationId: payload.location_id,
    at: payload.updated_at,
    available: payload.available ?? 0,
  });
  const { applied } = await guardedUpsert({
    model: db.inventoryLevel as unknown as GuardedModel<unknown>,
    where: {
      shopId_inventoryItemId_locationId: {
        shopId,
        inventoryItemId: payload.inventory_item_id,
        locationId: payload.location_id,
      },
    },
    updatedAt: payload.updated_at,
    create: {
      shopId,
      inventoryItemId: payload.inventory_item_id,
      locationId: payload.location_id,
      available: payload.available ?? 0,
    },
    update: { available: payload.available ?? 0 },
  });
  if (!applied) return;
  const total = await db.inventoryLevel.aggregate({
    where: { shopId, inventoryItemId: payload.inventory_item_id },
    _sum: { available: true },
  });
  const quantity = total._sum.available ?? 0;
  const variants = await db.variant.findMany({
    where: { shopId, inventoryItemId: payload.inventory_item_id },
    select: { id: true },
  });
  await db.variant.updateMany({
    where: { id: { in: variants.map((v) => v.id) } },
    data: { inventoryQuantity: quantity },
  });
}
