import type { Db } from "../db.server";
import type { AdminGraphql } from "../shopify-admin/graphql.server";
import { isLocalContact } from "../contacts/local-contacts.server";

const UPDATE = `#graphql
mutation WriteSmsConsent($input: CustomerSmsMarketingConsentUpdateInput!) {
  customerSmsMarketingConsentUpdate(input: $input) {
    customer { id smsMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt } }
    userErrors { field message }
  }
}`;

interface UpdateResult {
  customerSmsMarketingConsentUpdate: {
    customer: { id: string } | null;
    userErrors: { field: string[] | null; message: string }[];
  };
}

/**
 * Consent changed in the app (STOP / START, carrier opt-out, storefront form): tell
 * Shopify, so the shop's admin and the app agree. Consent that came from Shopify is not
 * echoed back. Shopify's resulting customers/update webhook carries the same state and
 * time, which the ledger recognises as the fact it already holds.
 */
export async function writeConsentBack(
  deps: { db: Db; admin?: AdminGraphql },
  customerId: string,
): Promise<"written" | "skipped"> {
  const { db } = deps;
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: { shop: { select: { domain: true } } },
  });
  // A local contact (guest, storefront, import) has no Shopify customer to write to.
  if (!customer || customer.redactedAt || customer.deletedAt || isLocalContact(customer.shopifyId) || !deps.admin)
    return "skipped";
  const latest = await db.consentEvent.findFirst({
    where: { shopId: customer.shopId, customerId },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }],
  });
  if (
    !latest ||
    ["SHOPIFY_SYNC", "CHECKOUT"].includes(latest.source) ||
    !["SUBSCRIBED", "UNSUBSCRIBED"].includes(latest.state)
  )
    return "skipped";
  const result = await deps.admin<UpdateResult>(customer.shop.domain, UPDATE, {
    input: {
      customerId: `gid://shopify/Customer/${customer.shopifyId}`,
      smsMarketingConsent: {
        marketingState: latest.state,
        marketingOptInLevel: latest.optInLevel === "confirmed_opt_in" ? "CONFIRMED_OPT_IN" : "SINGLE_OPT_IN",
        consentUpdatedAt: latest.occurredAt.toISOString(),
      },
    },
  });
  const errors = result.customerSmsMarketingConsentUpdate.userErrors;
  if (errors.length) throw new Error(`Shopify refused the consent update: ${errors.map((e) => e.message).join("; ")}`);
  return "written";
}
