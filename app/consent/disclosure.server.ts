import type { Db } from "../db.server";
import type { AdminGraphql } from "../shopify-admin/graphql.server";

const SHOP_ID = `#graphql
query ShopId { shop { id } }`;

const SET = `#graphql
mutation PublishSmsDisclosure($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
}`;

/**
 * The consent wording the checkout extension shows comes from the app's settings: saving
 * them publishes ShopSettings.disclosureText as the app-owned shop metafield `$app:sms`
 * / `disclosure`, which the extension reads (extensions/sms-consent-checkout). The same
 * text is what the ledger records as the wording shown.
 */
export async function publishDisclosure(deps: { db: Db; admin: AdminGraphql }, shopId: string): Promise<void> {
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
  const text = shop.settings?.disclosureText?.trim();
  if (!text) return;
  const { shop: owner } = await deps.admin<{ shop: { id: string } }>(shop.domain, SHOP_ID);
  const result = await deps.admin<{ metafieldsSet: { userErrors: { message: string }[] } }>(shop.domain, SET, {
    metafields: [
      { ownerId: owner.id, namespace: "$app:sms", key: "disclosure", type: "multi_line_text_field", value: text },
    ],
  });
  const errors = result.metafieldsSet.userErrors;
  if (errors.length) throw new Error(`Shopify refused the disclosure: ${errors.map((e) => e.message).join("; ")}`);
}
