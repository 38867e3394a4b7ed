import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { RestockSignup, signUpForRestock } from "../commerce/restock-signup.server";
import { readStorefrontForm } from "../runtime/storefront-form.server";

// The storefront's "Text me when it's back" form, posted to /apps/sms/restock through Shopify's app proxy
// (URL-encoded, see extensions/restock-signup). Signature, shop, limits and shape: readStorefrontForm.
export async function action({ request }: ActionFunctionArgs) {
  const signup = await readStorefrontForm(request, RestockSignup);
  if (!signup.ok) return signup.response;
  const { shopId, form, loggedInCustomerId, now } = signup;
  const result = await signUpForRestock(db, { shopId, form, loggedInCustomerId, now });
  if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
  return Response.json({ ok: true, message: "Thanks! We'll text you when it's back. Reply STOP to opt out." });
}
