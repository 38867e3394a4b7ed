import type { Db } from "../db.server";
import { NoAdminAccess, type AdminGraphql } from "../shopify-admin/graphql.server";

const QUERY = `#graphql
query ProductCollections($id: ID!) {
  product(id: $id) { collections(first: 250) { nodes { id title } } }
}`;

interface Result {
  product: { collections: { nodes: { id: string; title: string }[] } } | null;
}

/**
 * Which collections a product is in. Product webhooks don't say, so after each one the
 * worker asks the Admin API and replaces the product's rows; "purchased from collection"
 * segment conditions read them. Skipped without Admin API access (the offline demo).
 */
export async function syncProductCollections(
  deps: { db: Db; admin?: AdminGraphql },
  shopId: string,
  productShopifyId: string,
): Promise<number | null> {
  const { db } = deps;
  if (!deps.admin) return null;
  const [shop, product] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } }),
    db.product.findUnique({
      where: { shopId_shopifyId: { shopId, shopifyId: productShopifyId } },
      select: { id: true },
    }),
  ]);
  if (!product) return null;
  const result = await deps
    .admin<Result>(shop.domain, QUERY, { id: `gid://shopify/Product/${productShopifyId}` })
    .catch((error: unknown) => {
      if (error instanceof NoAdminAccess) return null;
      throw error; // the job retries
    });
  if (!result) return null;
  const collections = result.product?.collections.nodes ?? [];
  await replaceProductCollections(
    db,
    { shopId, productId: product.id },
    collections.map((c) => ({ shopifyId: c.id.split("/").pop()!, title: c.title })),
  );
  return collections.length;
}

/** A product's collection rows, replaced as a whole (from a webhook's lookup or a bulk sync). */
export async function replaceProductCollections(
  db: Db,
  product: { shopId: string; productId: string },
  collections: { shopifyId: string; title: string }[],
): Promise<void> {
  await db.$transaction([
    db.productCollection.deleteMany({ where: { productId: product.productId } }),
    db.productCollection.createMany({
      data: collections.map((c) => ({
        shopId: product.shopId,
        productId: product.productId,
        collectionShopifyId: c.shopifyId,
        collectionTitle: c.title,
      })),
    }),
  ]);
}
