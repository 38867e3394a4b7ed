import { errorFields, log } from "../observability/log.server";
import { randomBytes } from "node:crypto";
import type { Db } from "../db.server";
import type { AdminGraphql } from "../shopify-admin/graphql.server";

const CREATE = `#graphql
mutation CreateSmsDiscount($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

interface CreateResult {
  discountCodeBasicCreate: {
    codeDiscountNode: { id: string } | null;
    userErrors: { field: string[] | null; code: string | null; message: string }[];
  };
}

export class DiscountError extends Error {}

/** The flow or campaign a code belongs to (one code each). */
type DiscountOwner = { flowId: string; title: string } | { campaignId: string; title: string };

/**
 * The discount code a flow or campaign hands out as {{ discount_code }}: created once in
 * Shopify (discountCodeBasicCreate: percentage off everything, once per customer) and
 * kept, so every text of that flow or campaign carries the same code and its redemptions
 * can be counted from orders.
 */
export async function ensureDiscountCode({
  db,
  graphql,
  shop,
  owner,
  now,
  percentOff = 10,
}: {
  db: Db;
  graphql: AdminGraphql;
  shop: { id: string; domain: string };
  owner: DiscountOwner;
  now: Date;
  percentOff?: number;
}): Promise<string> {
  const where = "flowId" in owner ? { flowId: owner.flowId } : { campaignId: owner.campaignId };
  const existing = await db.discountCode.findFirst({ where: { shopId: shop.id, ...where }, select: { code: true } });
  if (existing) return existing.code;
  const code = `SMS${randomBytes(4).toString("hex").toUpperCase()}`;
  const result = await graphql<CreateResult>(shop.domain, CREATE, {
    basicCodeDiscount: {
      title: `SMS: ${owner.title}`,
      code,
      startsAt: now.toISOString(),
      context: { all: "ALL" },
      customerGets: { value: { percentage: percentOff / 100 }, items: { all: true } },
      appliesOncePerCustomer: true,
    },
  });
  const { codeDiscountNode, userErrors } = result.discountCodeBasicCreate;
  if (userErrors.length || !codeDiscountNode)
    throw new DiscountError(`Shopify refused the discount: ${userErrors.map((e) => e.message).join("; ")}`);
  await db.discountCode.create({ data: { shopId: shop.id, code, shopifyId: codeDiscountNode.id, ...where } });
  return code;
}

/**
 * Redemptions of our codes, recounted from the mirrored orders that used them (not
 * incremented), so a redelivered or updated order never counts twice.
 */
export async function countRedemptions(db: Db, shopId: string, codes: string[]): Promise<void> {
  for (const code of codes) {
    const ours = await db.discountCode.findUnique({ where: { shopId_code: { shopId, code } }, select: { id: true } });
    if (!ours) continue;
    const orders = await db.order.findMany({
      where: { shopId, cancelledAt: null, discountCodes: { contains: code } },
      select: { discountCodes: true },
    });
    const redemptions = orders.filter((o) => o.discountCodes!.split(",").includes(code)).length;
    await db.discountCode.update({ where: { id: ours.id }, data: { redemptions } });
  }
}

/**
 * {{ discount_code }} for a send: the owner's code, created on first use. Without Admin API
 * access (the offline demo, a revoked token) the template's fallback text is used instead
 * of failing the send.
 */
export async function discountCodeFor({
  deps,
  shop,
  owner,
  now,
}: {
  deps: { db: Db; admin?: AdminGraphql };
  shop: { id: string; domain: string };
  owner: DiscountOwner;
  now: Date;
}): Promise<string | null> {
  if (!deps.admin) return null;
  try {
    return await ensureDiscountCode({ db: deps.db, graphql: deps.admin, shop, owner, now });
  } catch (error) {
    log.warn("discount code not created", { shop: shop.domain, ...errorFields(error) });
    return null;
  }
}
