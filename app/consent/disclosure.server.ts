import { createHash } from "node:crypto";
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
 * / `disclosure`, which the extension reads (extensions/sms-consent-checkout). Each published
 * text becomes a DisclosureVersion (text, hash, time); a checkout consent fact records the
 * version in force at its consent time as the wording shown.
 */
export async function publishDisclosure(
  deps: { db: Db; admin: AdminGraphql },
  shopId: string,
  now: Date,
): Promise<void> {
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
  await recordDisclosureVersion({ db: deps.db, shopId, text, publishedAt: now });
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * The disclosure versions: one row per published text (publishing the same text again adds
 * none), so each checkout consent can name the text in force when it was given.
 */
export async function recordDisclosureVersion({
  db,
  shopId,
  text,
  publishedAt,
}: {
  db: Db;
  shopId: string;
  text: string;
  publishedAt: Date;
}) {
  const hash = sha256(text);
  const latest = await db.disclosureVersion.findFirst({
    where: { shopId, publishedAt: { lte: publishedAt } },
    orderBy: { publishedAt: "desc" },
    select: { hash: true },
  });
  if (latest?.hash === hash) return;
  await db.disclosureVersion.create({ data: { shopId, text, hash, publishedAt } });
}

/** The disclosure the checkout extension showed at `at`: the latest version published by then. */
export async function disclosureInForce(db: Db, shopId: string, at: Date) {
  return (await disclosuresInForce(db, shopId, [at]))(at);
}

type Disclosure = { id: string; text: string; hash: string; publishedAt: Date };

/**
 * disclosureInForce at many times in one read (a webhook batch's checkout consents): the
 * versions published by the latest of them, newest first; the answer for one of the times.
 */
export async function disclosuresInForce(
  db: Db,
  shopId: string,
  ats: readonly Date[],
): Promise<(at: Date) => Disclosure | null> {
  const versions: Disclosure[] = await db.disclosureVersion.findMany({
    where: { shopId, publishedAt: { lte: new Date(Math.max(...ats.map((a) => a.getTime()))) } },
    orderBy: { publishedAt: "desc" },
    select: { id: true, text: true, hash: true, publishedAt: true },
  });
  return (at) => versions.find((v) => v.publishedAt.getTime() <= at.getTime()) ?? null;
}
