import type { ActionFunctionArgs } from "@remix-run/node";
import { MarketingSignup, signUpForMarketing } from "../commerce/marketing-signup.server";
import { readStorefrontForm } from "../runtime/storefront-form.server";
import { services } from "../runtime/services.server";

// The storefront's SMS sign-up form, posted to /apps/sms/subscribe through Shopify's app proxy. Signature,
// shop, limits and shape: readStorefrontForm. Nothing is subscribed until the shopper replies Y.
export async function action({ request }: ActionFunctionArgs) {
  const signup = await readStorefrontForm(request, MarketingSignup);
  if (!signup.ok) return signup.response;
  const { shopId, form, loggedInCustomerId, now } = signup;
  const result = await signUpForMarketing(services(), { shopId, form, loggedInCustomerId, now });
  if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
  return Response.json({ ok: true, message: "Almost done: reply Y to the text we just sent to confirm." });
}
